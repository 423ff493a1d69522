// Reads an OTLP logs export request (protobuf or JSON) into plain records. Attribute values go
// through the traces decoder's reader (../decode.ts), so logs obey the same attribute limits.
import { OtlpDecodeError } from '../decode-error.js';
import { attributes, field, id, list, nanos, text, type AttributeValue, type Attributes } from '../decode.js';
import { OTLP_LIMITS, OtlpLimitError } from '../limits.js';
import { checkProtobufLimits } from '../protobuf-limits.js';
import { LogsRequest, protobufToObject as decodeProtobuf } from '../proto/otlp-proto.js';

/** Log records in one request; the Collector batches up to a few thousand. */
export const MAX_LOG_RECORDS_PER_REQUEST = OTLP_LIMITS.logRecordsPerRequest;

export interface LogRecordData {
  timeNs: bigint;
  observedTimeNs: bigint;
  severityNumber: number;
  severityText: string;
  /** The body as OTLP carries it (a string, or a structure); null when absent. */
  body: AttributeValue;
  attributes: Attributes;
  flags: number;
  /** Lowercase hex; empty when the record belongs to no span. */
  traceId: string;
  spanId: string;
  /** LogRecord.event_name (OTLP 1.5); empty for plain log lines. */
  eventName: string;
}

export interface ResourceLogsData {
  resource: Attributes;
  schemaUrl: string;
  scopes: Array<{
    scope: { name: string; version: string; attributes: Attributes };
    schemaUrl: string;
    records: LogRecordData[];
  }>;
}

/** Throws OtlpDecodeError for a body that breaks the protocol, OtlpLimitError for one over the limits. */
export function decodeLogs(body: Buffer | unknown, encoding: 'protobuf' | 'json'): ResourceLogsData[] {
  const object = encoding === 'protobuf' ? protobufToObject(body as Buffer) : body;
  const ids = encoding === 'protobuf' ? 'base64' : 'hex';
  let records = 0;
  return list(field(object, 'resourceLogs')).map((resourceLogs) => ({
    resource: attributes(field(field(resourceLogs, 'resource'), 'attributes')),
    schemaUrl: text(field(resourceLogs, 'schemaUrl')),
    scopes: list(field(resourceLogs, 'scopeLogs')).map((scopeLogs) => {
      const items = list(field(scopeLogs, 'logRecords'));
      records += items.length;
      if (records > MAX_LOG_RECORDS_PER_REQUEST)
        throw new OtlpLimitError(`more than ${MAX_LOG_RECORDS_PER_REQUEST} log records in one request`);
      const scope = field(scopeLogs, 'scope');
      return {
        scope: {
          name: text(field(scope, 'name')),
          version: text(field(scope, 'version')),
          attributes: attributes(field(scope, 'attributes')),
        },
        schemaUrl: text(field(scopeLogs, 'schemaUrl')),
        records: items.map((record) => recordOf(record, ids)),
      };
    }),
  }));
}

function protobufToObject(body: Buffer): unknown {
  // Over a limit, refused before protobufjs builds an object for every attribute.
  checkProtobufLimits(body, 'logs');
  return decodeProtobuf(LogsRequest, body);
}

function recordOf(record: unknown, ids: 'hex' | 'base64'): LogRecordData {
  const body = field(record, 'body');
  return {
    timeNs: nanos(field(record, 'timeUnixNano')),
    observedTimeNs: nanos(field(record, 'observedTimeUnixNano')),
    severityNumber: integer(field(record, 'severityNumber')),
    severityText: text(field(record, 'severityText')),
    // The body is an AnyValue: read by the same reader as attribute values, with the same bounds.
    body: body === undefined || body === null ? null : (attributes([{ key: 'body', value: body }]).body ?? null),
    attributes: attributes(field(record, 'attributes')),
    flags: integer(field(record, 'flags')),
    traceId: id(field(record, 'traceId'), ids, 16),
    spanId: id(field(record, 'spanId'), ids, 8),
    eventName: text(field(record, 'eventName')),
  };
}

// The record's own readers; the others are the traces and metrics decoder's (../decode.ts).

function integer(value: unknown): number {
  if (value === undefined || value === null) return 0;
  const result = typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof result !== 'number' || !Number.isSafeInteger(result)) throw new OtlpDecodeError('expected an integer');
  return result;
}
