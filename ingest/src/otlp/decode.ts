import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { LATEST_NANOS, OtlpDecodeError } from './decode-error.js';
import { OTLP_LIMITS, OtlpLimitError } from './limits.js';
import { checkProtobufLimits } from './protobuf-limits.js';
import { readTraceRequest } from './protobuf-traces.js';

/** An attribute value as OTLP carries it, flattened to plain JavaScript. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Attributes;
  events: Array<{ timeNs: bigint; name: string; attributes: Attributes }>;
  links: Array<{ traceId: string; spanId: string; traceState: string; attributes: Attributes }>;
  statusCode: number;
  statusMessage: string;
}

export interface Scope {
  name: string;
  version: string;
}

export interface ResourceSpansData {
  resource: Attributes;
  scopes: Array<{ scope: Scope; spans: SpanData[] }>;
}

export interface DataPoint {
  attributes: Attributes;
  startNs: bigint;
  timeNs: bigint;
  value: number;
  count: number;
  sum: number;
  bucketCounts: number[];
  explicitBounds: number[];
}

export interface MetricData {
  name: string;
  kind: 'sum' | 'gauge' | 'histogram';
  /** 1 delta, 2 cumulative, 0 unspecified (gauges) */
  temporality: number;
  /** A sum that only goes up (a counter): a negative delta cannot be true. */
  monotonic: boolean;
  points: DataPoint[];
}

export interface ResourceMetricsData {
  resource: Attributes;
  scopes: Array<{ scope: Scope; metrics: MetricData[] }>;
}

export { OtlpDecodeError };

const root = protobuf.loadSync(fileURLToPath(new URL('./otlp.proto', import.meta.url)));
const MetricsRequest = root.lookupType('otlp.ExportMetricsServiceRequest');
export const TraceResponse = root.lookupType('otlp.ExportTraceServiceResponse');
export const MetricsResponse = root.lookupType('otlp.ExportMetricsServiceResponse');

// protobufjs gives the same camelCase object shape as OTLP/JSON, except that ids are base64
// where JSON has hex, so both encodings share one reader below.
const TO_OBJECT = { longs: String, enums: Number, bytes: String, defaults: false, oneofs: false } as const;

type IdEncoding = 'hex' | 'base64';

/**
 * Reads a traces request; throws OtlpDecodeError for a body that breaks the protocol and
 * OtlpLimitError for one over OTLP_LIMITS (a protobuf body is checked before it is decoded; a
 * JSON one, checked on its text before it was parsed, again as each list is reached).
 */
export function decodeTraces(body: Buffer | unknown, encoding: 'protobuf' | 'json'): ResourceSpansData[] {
  if (encoding === 'protobuf') {
    checkProtobufLimits(body as Buffer, 'traces');
    return readTraceRequest(body as Buffer);
  }
  const object = body;
  const ids: IdEncoding = 'hex';
  const spans = limitedTotal(OTLP_LIMITS.spansPerRequest, 'spans in one request');
  return list(field(object, 'resourceSpans')).map((resourceSpans) => ({
    resource: attributes(field(field(resourceSpans, 'resource'), 'attributes')),
    scopes: list(field(resourceSpans, 'scopeSpans')).map((scopeSpans) => ({
      scope: scopeOf(field(scopeSpans, 'scope')),
      spans: spans(list(field(scopeSpans, 'spans'))).map((span) => spanOf(span, ids)),
    })),
  }));
}

/** Reads a metrics request; throws as decodeTraces does. */
export function decodeMetrics(body: Buffer | unknown, encoding: 'protobuf' | 'json'): ResourceMetricsData[] {
  if (encoding === 'protobuf') checkProtobufLimits(body as Buffer, 'metrics');
  const object = encoding === 'protobuf' ? protobufToObject(MetricsRequest, body as Buffer) : body;
  const points = limitedTotal(OTLP_LIMITS.dataPointsPerRequest, 'data points in one request');
  return list(field(object, 'resourceMetrics')).map((resourceMetrics) => ({
    resource: attributes(field(field(resourceMetrics, 'resource'), 'attributes')),
    scopes: list(field(resourceMetrics, 'scopeMetrics')).map((scopeMetrics) => ({
      scope: scopeOf(field(scopeMetrics, 'scope')),
      metrics: list(field(scopeMetrics, 'metrics')).flatMap((metric) => metricOf(metric, points)),
    })),
  }));
}

/** Counts the items of lists across a request and refuses the list that takes the total past `limit`. */
function limitedTotal(limit: number, what: string): (items: unknown[]) => unknown[] {
  let total = 0;
  return (items) => {
    total += items.length;
    if (total > limit) throw new OtlpLimitError(`more than ${limit} ${what}`);
    return items;
  };
}

/** A list of at most `limit` items. */
function limitedList(value: unknown, limit: number, what: string): unknown[] {
  const items = list(value);
  if (items.length > limit) throw new OtlpLimitError(`more than ${limit} ${what}`);
  return items;
}

function protobufToObject(type: protobuf.Type, body: Buffer): unknown {
  try {
    return type.toObject(type.decode(body), TO_OBJECT);
  } catch (error) {
    throw new OtlpDecodeError(`invalid protobuf: ${(error as Error).message}`);
  }
}

function spanOf(span: unknown, ids: IdEncoding): SpanData {
  const status = field(span, 'status');
  const traceId = id(field(span, 'traceId'), ids, 16);
  const spanId = id(field(span, 'spanId'), ids, 8);
  if (!traceId || !spanId) throw new OtlpDecodeError('a span has no trace id or span id');
  return {
    traceId,
    spanId,
    parentSpanId: id(field(span, 'parentSpanId'), ids, 8),
    traceState: text(field(span, 'traceState')),
    name: text(field(span, 'name')),
    kind: integer(field(span, 'kind')),
    startNs: nanos(field(span, 'startTimeUnixNano')),
    endNs: nanos(field(span, 'endTimeUnixNano')),
    attributes: attributes(field(span, 'attributes')),
    events: limitedList(field(span, 'events'), OTLP_LIMITS.eventsPerSpan, 'events of one span').map((event) => ({
      timeNs: nanos(field(event, 'timeUnixNano')),
      name: text(field(event, 'name')),
      attributes: attributes(field(event, 'attributes')),
    })),
    links: limitedList(field(span, 'links'), OTLP_LIMITS.linksPerSpan, 'links of one span').map((link) => ({
      traceId: id(field(link, 'traceId'), ids, 16),
      spanId: id(field(link, 'spanId'), ids, 8),
      traceState: text(field(link, 'traceState')),
      attributes: attributes(field(link, 'attributes')),
    })),
    statusCode: integer(field(status, 'code')),
    statusMessage: text(field(status, 'message')),
  };
}

function metricOf(metric: unknown, points: (items: unknown[]) => unknown[]): MetricData[] {
  const name = text(field(metric, 'name'));
  const sum = field(metric, 'sum');
  const gauge = field(metric, 'gauge');
  const histogram = field(metric, 'histogram') ?? field(metric, 'exponentialHistogram');
  const pointsOf = (data: unknown) => points(list(field(data, 'dataPoints')));
  if (sum !== undefined) {
    const temporality = integer(field(sum, 'aggregationTemporality'));
    return [{ name, kind: 'sum', temporality, monotonic: field(sum, 'isMonotonic') === true, points: pointsOf(sum).map(numberPoint) }];
  }
  if (gauge !== undefined) return [{ name, kind: 'gauge', temporality: 0, monotonic: false, points: pointsOf(gauge).map(numberPoint) }];
  if (histogram !== undefined) {
    const temporality = integer(field(histogram, 'aggregationTemporality'));
    return [{ name, kind: 'histogram', temporality, monotonic: false, points: pointsOf(histogram).map(histogramPoint) }];
  }
  return []; // summaries and unknown kinds: nothing a browser sends
}

function numberPoint(point: unknown): DataPoint {
  const asDouble = field(point, 'asDouble');
  const value = asDouble !== undefined ? double(asDouble) : number(field(point, 'asInt') ?? 0);
  return { ...pointTimes(point), value, count: 0, sum: 0, bucketCounts: [], explicitBounds: [] };
}

function histogramPoint(point: unknown): DataPoint {
  return {
    ...pointTimes(point),
    value: 0,
    count: count(field(point, 'count')),
    sum: double(field(point, 'sum') ?? 0),
    bucketCounts: list(field(point, 'bucketCounts')).map(count),
    explicitBounds: list(field(point, 'explicitBounds')).map(double),
  };
}

function pointTimes(point: unknown) {
  return {
    attributes: attributes(field(point, 'attributes')),
    startNs: nanos(field(point, 'startTimeUnixNano')),
    timeNs: nanos(field(point, 'timeUnixNano')),
  };
}

function scopeOf(scope: unknown): Scope {
  return { name: text(field(scope, 'name')), version: text(field(scope, 'version')) };
}

/** The attributes of one item (span, event, link, resource, scope, data point), or the entries of a key-value-list value. */
export function attributes(value: unknown, depth = 0): Attributes {
  // No prototype: a key named "__proto__" is an attribute like any other, never the object's prototype.
  const out: Attributes = Object.create(null) as Attributes;
  const items =
    depth === 0
      ? limitedList(value, OTLP_LIMITS.attributesPerItem, 'attributes of one item')
      : limitedList(value, OTLP_LIMITS.valuesPerAttribute, 'values of one attribute');
  for (const keyValue of items) out[text(field(keyValue, 'key'))] = anyValue(field(keyValue, 'value'), depth);
  return out;
}

/** `depth`: how many array or key-value-list values hold this one; bounded, so a deep value is a 400, never a stack overflow. */
function anyValue(value: unknown, depth: number): AttributeValue {
  if (value === undefined || value === null) return null;
  if (depth >= OTLP_LIMITS.nestingDepth) throw new OtlpLimitError(`attribute values nested more than ${OTLP_LIMITS.nestingDepth} deep`);
  if (typeof value !== 'object') throw new OtlpDecodeError('an attribute value is not an AnyValue object');
  const any = value as Record<string, unknown>;
  if (any.stringValue !== undefined) return text(any.stringValue);
  if (any.boolValue !== undefined) return any.boolValue === true;
  if (any.intValue !== undefined) return number(any.intValue);
  if (any.doubleValue !== undefined) return number(any.doubleValue);
  if (any.arrayValue !== undefined) {
    const values = limitedList(field(any.arrayValue, 'values'), OTLP_LIMITS.valuesPerAttribute, 'values of one attribute');
    return values.map((item) => anyValue(item, depth + 1));
  }
  if (any.kvlistValue !== undefined) return attributes(field(any.kvlistValue, 'values'), depth + 1);
  if (any.bytesValue !== undefined) return text(any.bytesValue);
  return null;
}

// Readers that accept exactly what the protocol allows and say what is wrong otherwise; the logs
// decoder (otlp-logs/decode-logs.ts) shares them.

export function field(object: unknown, name: string): unknown {
  if (object === undefined || object === null) return undefined;
  if (typeof object !== 'object' || Array.isArray(object)) throw new OtlpDecodeError(`expected an object around "${name}"`);
  return (object as Record<string, unknown>)[name];
}

export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError('expected an array');
  return value;
}

export function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new OtlpDecodeError('expected a string');
  return value;
}

function integer(value: unknown): number {
  const result = number(value ?? 0);
  if (!Number.isInteger(result)) throw new OtlpDecodeError('expected an integer');
  return result;
}

/** int64 and double fields: JSON may carry them as numbers or decimal strings. */
function number(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new OtlpDecodeError('expected a number');
}

/**
 * double fields: also NaN and the infinities (protobuf carries them as numbers, OTLP/JSON as the
 * strings "NaN", "Infinity", "-Infinity"), so a data point holding one is refused alone, not the request.
 */
function double(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return number(value);
}

export function nanos(value: unknown): bigint {
  if (value === undefined || value === null) return 0n;
  if ((typeof value === 'string' && /^\d{1,20}$/.test(value)) || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
    const result = BigInt(value);
    if (result >= LATEST_NANOS) throw new OtlpDecodeError(`a time (${value} ns) lies after the year 2200`);
    return result;
  }
  throw new OtlpDecodeError('expected a time in unix nanoseconds');
}

/**
 * Counts (fixed64/uint64 fields): whole, not negative, and exact in a JavaScript number (past
 * 2^53 JSON would write it with an exponent, which ClickHouse's UInt64 does not read).
 */
function count(value: unknown): number {
  const result = number(value ?? 0);
  if (!Number.isSafeInteger(result) || result < 0) throw new OtlpDecodeError('expected a count (a whole number from 0 to 2^53)');
  return result;
}

/** Trace and span ids as lowercase hex; empty when absent. */
export function id(value: unknown, encoding: IdEncoding, bytes: number): string {
  const raw = text(value);
  if (raw === '') return '';
  const hex = encoding === 'hex' ? raw.toLowerCase() : Buffer.from(raw, 'base64').toString('hex');
  if (hex.length !== bytes * 2 || !/^[0-9a-f]+$/.test(hex)) throw new OtlpDecodeError(`an id is not ${bytes} bytes`);
  return hex;
}
