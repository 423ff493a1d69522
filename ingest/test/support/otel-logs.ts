// OTLP logs requests made by the real OpenTelemetry logs SDK and its serializers, as an SDK or the
// browser instrumentation sends events (log records with an event name) and plain log lines.
import type { Attributes } from '@opentelemetry/api';
import type { AnyValue, SeverityNumber } from '@opentelemetry/api-logs';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { RESOURCE } from './otel-requests.js';

export interface RecordEntry {
  eventName?: string;
  body?: AnyValue;
  attributes?: Attributes;
  severityNumber?: SeverityNumber;
  severityText?: string;
}

/** Finished log records, one per entry, in order, under a scope with `scopeAttributes`. */
export function makeLogRecords(
  entries: RecordEntry[],
  resource: Attributes = RESOURCE,
  scopeAttributes: Attributes = {},
): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(resource),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('footfall-test', '1.0.0', { attributes: scopeAttributes });
  for (const entry of entries) logger.emit(entry);
  return exporter.getFinishedLogRecords();
}

export function logsBody(records: ReadableLogRecord[], encoding: 'protobuf' | 'json'): Buffer {
  const serializer = encoding === 'protobuf' ? ProtobufLogsSerializer : JsonLogsSerializer;
  return Buffer.from(serializer.serializeRequest(records)!);
}
