/**
 * The one protobuf package (`otlp`) the ingest service reads: otlp.proto holds the shared messages
 * and traces and metrics, logs.proto the logs. Loaded once, here, so every signal's decoder and
 * route looks its messages up in the same root.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { OtlpDecodeError } from '../decode-error.js';

const root = protobuf.loadSync([
  fileURLToPath(new URL('./otlp.proto', import.meta.url)),
  fileURLToPath(new URL('./logs.proto', import.meta.url)),
]);

export const TraceResponse = root.lookupType('otlp.ExportTraceServiceResponse');
export const MetricsRequest = root.lookupType('otlp.ExportMetricsServiceRequest');
export const MetricsResponse = root.lookupType('otlp.ExportMetricsServiceResponse');
export const LogsRequest = root.lookupType('otlp.ExportLogsServiceRequest');
export const LogsResponse = root.lookupType('otlp.ExportLogsServiceResponse');

// protobufjs gives the same camelCase object shape as OTLP/JSON, except that ids are base64
// where JSON has hex, so both encodings share one reader per signal.
const TO_OBJECT = { longs: String, enums: Number, bytes: String, defaults: false, oneofs: false } as const;

/** A request decoded by protobufjs into the OTLP/JSON object shape; a body protobufjs cannot read is an OtlpDecodeError. */
export function protobufToObject(type: protobuf.Type, body: Buffer): unknown {
  try {
    return type.toObject(type.decode(body), TO_OBJECT);
  } catch (error) {
    throw new OtlpDecodeError(`invalid protobuf: ${(error as Error).message}`);
  }
}
