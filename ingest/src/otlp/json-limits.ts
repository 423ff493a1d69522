import { OTLP_LIMITS, OtlpLimitError } from './limits.js';

/**
 * Checks an OTLP/JSON body against OTLP_LIMITS by scanning its text, before it is parsed.
 * JSON.parse builds an object for every attribute before the decoder can count them: a 9 MB body
 * of 200,000 attributes held the event loop for 130 to 270 ms only to be refused. This
 * scan allocates nothing per value and stops at the first count over a limit, wherever in the text
 * it is, even ahead of text that is not JSON at all. It follows the fields the limits need (the
 * same messages as protobuf-limits.ts, by their JSON names) and steps over every other value.
 * Malformed text ends the scan quietly: the parser refuses it with its own message.
 */

type MessageName =
  | 'TraceRequest'
  | 'ResourceSpans'
  | 'ScopeSpans'
  | 'Span'
  | 'SpanEvent'
  | 'SpanLink'
  | 'MetricsRequest'
  | 'ResourceMetrics'
  | 'ScopeMetrics'
  | 'Metric'
  | 'Points'
  | 'DataPoint'
  | 'LogsRequest'
  | 'ResourceLogs'
  | 'ScopeLogs'
  | 'LogRecord'
  | 'Resource'
  | 'Scope'
  | 'KeyValue'
  | 'AnyValue'
  | 'ArrayValue'
  | 'KeyValueList';

/** Items counted across the whole request. */
interface RequestTotals {
  spans: number;
  dataPoints: number;
  logRecords: number;
}

/** What a field holds: one message, or a list of them with a limit on its length (or on the request's total). */
interface FieldRule {
  message: MessageName;
  list?: true;
  perList?: { limit: number; what: string };
  perRequest?: keyof RequestTotals;
}

const attributes = (where: string): FieldRule => ({
  message: 'KeyValue',
  list: true,
  perList: { limit: OTLP_LIMITS.attributesPerItem, what: `attributes of one ${where}` },
});
const values: FieldRule['perList'] = { limit: OTLP_LIMITS.valuesPerAttribute, what: 'values of one attribute' };

const SCHEMA: Record<MessageName, Record<string, FieldRule>> = {
  TraceRequest: { resourceSpans: { message: 'ResourceSpans', list: true } },
  ResourceSpans: { resource: { message: 'Resource' }, scopeSpans: { message: 'ScopeSpans', list: true } },
  ScopeSpans: { scope: { message: 'Scope' }, spans: { message: 'Span', list: true, perRequest: 'spans' } },
  Span: {
    attributes: attributes('span'),
    events: { message: 'SpanEvent', list: true, perList: { limit: OTLP_LIMITS.eventsPerSpan, what: 'events of one span' } },
    links: { message: 'SpanLink', list: true, perList: { limit: OTLP_LIMITS.linksPerSpan, what: 'links of one span' } },
  },
  SpanEvent: { attributes: attributes('span event') },
  SpanLink: { attributes: attributes('span link') },
  MetricsRequest: { resourceMetrics: { message: 'ResourceMetrics', list: true } },
  ResourceMetrics: { resource: { message: 'Resource' }, scopeMetrics: { message: 'ScopeMetrics', list: true } },
  ScopeMetrics: { scope: { message: 'Scope' }, metrics: { message: 'Metric', list: true } },
  // In JSON the four kinds read hold their points alike, in dataPoints (summaries are not read).
  Metric: {
    gauge: { message: 'Points' },
    sum: { message: 'Points' },
    histogram: { message: 'Points' },
    exponentialHistogram: { message: 'Points' },
  },
  Points: { dataPoints: { message: 'DataPoint', list: true, perRequest: 'dataPoints' } },
  DataPoint: { attributes: attributes('data point') },
  LogsRequest: { resourceLogs: { message: 'ResourceLogs', list: true } },
  ResourceLogs: { resource: { message: 'Resource' }, scopeLogs: { message: 'ScopeLogs', list: true } },
  ScopeLogs: { scope: { message: 'Scope' }, logRecords: { message: 'LogRecord', list: true, perRequest: 'logRecords' } },
  // The body is a value like an attribute's, with the same limits on its lists and their nesting.
  LogRecord: { body: { message: 'AnyValue' }, attributes: attributes('log record') },
  Resource: { attributes: attributes('resource') },
  Scope: { attributes: attributes('instrumentation scope') },
  KeyValue: { value: { message: 'AnyValue' } },
  AnyValue: { arrayValue: { message: 'ArrayValue' }, kvlistValue: { message: 'KeyValueList' } },
  ArrayValue: { values: { message: 'AnyValue', list: true, perList: values } },
  KeyValueList: { values: { message: 'KeyValue', list: true, perList: values } },
};

/** A message as the scan reads it: its fields with their names as UTF-8, so a key is matched without making a string of it. */
interface ScannedMessage {
  isValue: boolean;
  fields: ScannedField[];
}

interface ScannedField {
  name: string;
  bytes: Buffer;
  rule: FieldRule;
  /** What the field holds (the rule's message), looked up once here rather than by name at every object. */
  holds: ScannedMessage;
}

const MESSAGES = Object.fromEntries(
  Object.keys(SCHEMA).map((name) => [name, { isValue: name === 'AnyValue', fields: [] as ScannedField[] }]),
) as Record<MessageName, ScannedMessage>;
for (const [name, fields] of Object.entries(SCHEMA)) {
  for (const [field, rule] of Object.entries(fields)) {
    MESSAGES[name as MessageName].fields.push({ name: field, bytes: Buffer.from(field), rule, holds: MESSAGES[rule.message] });
  }
}

const REQUEST_MESSAGE = { traces: 'TraceRequest', metrics: 'MetricsRequest', logs: 'LogsRequest' } as const;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;

/** Thrown inside the scan at text that is not JSON; ends the scan, never leaves it. */
const MALFORMED = new Error('malformed JSON');

// Every reader below takes the text and where to read, and returns where it stopped: positions
// kept in locals, which the scan of a 9 MB body needs to stay well under the parse it precedes.

/** Throws OtlpLimitError for a body over a limit; malformed bodies are left to the parser to refuse. */
export function checkJsonLimits(body: Buffer, request: 'traces' | 'metrics' | 'logs'): void {
  // The UTF-8 byte order mark the parser steps over too.
  const start = skipSpace(body, body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0);
  if (body[start] !== OPEN_OBJECT) return;
  try {
    scanObject(body, start, MESSAGES[REQUEST_MESSAGE[request]], 0, { spans: 0, dataPoints: 0, logRecords: 0 });
  } catch (error) {
    if (error !== MALFORMED) throw error;
  }
}

/** An object of `message` whose `{` is at `at`; `depth`: the values holding it, when it is one. */
function scanObject(text: Buffer, at: number, message: ScannedMessage, depth: number, totals: RequestTotals): number {
  if (message.isValue && ++depth > OTLP_LIMITS.nestingDepth) {
    throw new OtlpLimitError(`attribute values nested more than ${OTLP_LIMITS.nestingDepth} deep`);
  }
  let index = skipSpace(text, at + 1);
  if (text[index] === CLOSE_OBJECT) return index + 1;
  for (;;) {
    index = skipSpace(text, index);
    if (text[index] !== QUOTE) throw MALFORMED;
    const keyEnd = stringEnd(text, index);
    const field = fieldOf(text, message, index + 1, keyEnd);
    const rule = field?.rule;
    index = skipSpace(text, keyEnd + 1);
    if (text[index] !== COLON) throw MALFORMED;
    index = skipSpace(text, index + 1);
    // A field holding what the schema does not expect is stepped over: the decoder names the mistake.
    if (rule?.list && text[index] === OPEN_LIST) index = scanList(text, index, field!, depth, totals);
    else if (field && !rule!.list && text[index] === OPEN_OBJECT) index = scanObject(text, index, field.holds, depth, totals);
    else index = skipValue(text, index);
    index = skipSpace(text, index);
    const next = text[index++];
    if (next === CLOSE_OBJECT) return index;
    if (next !== COMMA) throw MALFORMED;
  }
}

/** A list of `rule` whose `[` is at `at`, counted as its items begin. */
function scanList(text: Buffer, at: number, field: ScannedField, depth: number, totals: RequestTotals): number {
  const { rule, holds } = field;
  let index = skipSpace(text, at + 1);
  if (text[index] === CLOSE_LIST) return index + 1;
  let items = 0;
  for (;;) {
    index = skipSpace(text, index);
    if (rule.perList && ++items > rule.perList.limit) throw new OtlpLimitError(`more than ${rule.perList.limit} ${rule.perList.what}`);
    if (rule.perRequest) countInRequest(rule.perRequest, totals);
    if (text[index] === OPEN_OBJECT) index = scanObject(text, index, holds, depth, totals);
    else index = skipValue(text, index);
    index = skipSpace(text, index);
    const next = text[index++];
    if (next === CLOSE_LIST) return index;
    if (next !== COMMA) throw MALFORMED;
  }
}

function countInRequest(item: keyof RequestTotals, totals: RequestTotals): void {
  if (item === 'spans' && ++totals.spans > OTLP_LIMITS.spansPerRequest) {
    throw new OtlpLimitError(`more than ${OTLP_LIMITS.spansPerRequest} spans in one request`);
  }
  if (item === 'dataPoints' && ++totals.dataPoints > OTLP_LIMITS.dataPointsPerRequest) {
    throw new OtlpLimitError(`more than ${OTLP_LIMITS.dataPointsPerRequest} data points in one request`);
  }
  if (item === 'logRecords' && ++totals.logRecords > OTLP_LIMITS.logRecordsPerRequest) {
    throw new OtlpLimitError(`more than ${OTLP_LIMITS.logRecordsPerRequest} log records in one request`);
  }
}

/** The field of the key between `start` and `end` (inside its quotes) in `message`, if the limits follow it. */
function fieldOf(text: Buffer, message: ScannedMessage, start: number, end: number): ScannedField | undefined {
  const { fields } = message;
  const length = end - start;
  for (let index = 0; index < fields.length; index++) {
    const field = fields[index]!;
    if (field.bytes.length === length && sameBytes(text, start, field.bytes)) return field;
  }
  // A key written with escapes ("attr\u0069butes") is the same key to the parser: read it as it would.
  for (let index = start; index < end; index++) {
    if (text[index] === BACKSLASH) {
      const name = JSON.parse(text.toString('utf8', start - 1, end + 1)) as string;
      return fields.find((field) => field.name === name);
    }
  }
  return undefined;
}

/** True when the text at `start` holds `bytes` (compared here: a native compare per key cost more than the bytes). */
function sameBytes(text: Buffer, start: number, bytes: Buffer): boolean {
  for (let index = 0; index < bytes.length; index++) if (text[start + index] !== bytes[index]) return false;
  return true;
}

/** Steps over one value of any kind at `at`: a string, a scalar, or a whole object or list. */
function skipValue(text: Buffer, at: number): number {
  const first = text[at];
  if (first === QUOTE) return stringEnd(text, at) + 1;
  const length = text.length;
  if (first === OPEN_OBJECT || first === OPEN_LIST) {
    // Counted, not recursed: a value nested 10,000 deep where the limits do not look costs no stack.
    let open = 0;
    for (let index = at; index < length; index++) {
      const byte = text[index];
      if (byte === QUOTE) index = stringEnd(text, index);
      else if (byte === OPEN_OBJECT || byte === OPEN_LIST) open++;
      else if ((byte === CLOSE_OBJECT || byte === CLOSE_LIST) && --open === 0) return index + 1;
    }
    throw MALFORMED;
  }
  // A number, true, false or null: up to the next delimiter.
  let index = at;
  while (index < length && !isDelimiter(text[index]!)) index++;
  if (index === at) throw MALFORMED;
  return index;
}

/** Where the string opened by the quote at `quote` closes (read byte by byte: most strings are shorter than a native call costs). */
function stringEnd(text: Buffer, quote: number): number {
  const length = text.length;
  for (let index = quote + 1; index < length; index++) {
    const byte = text[index];
    if (byte === QUOTE) return index;
    if (byte === BACKSLASH) index++;
  }
  throw MALFORMED;
}

function skipSpace(text: Buffer, at: number): number {
  let index = at;
  for (;;) {
    const byte = text[index];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return index;
    index++;
  }
}

function isDelimiter(byte: number): boolean {
  return byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_LIST || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
