/**
 * The readers every signal's decoder shares (traces/, metrics/, logs/): attribute values, ids,
 * times and counts, accepting exactly what the protocol allows and saying what is wrong otherwise.
 * They read the OTLP/JSON object shape, which protobufjs also gives (proto/otlp-proto.ts).
 */
import { LATEST_NANOS, OtlpDecodeError } from './decode-error.js';
import { OTLP_LIMITS, OtlpLimitError } from './limits.js';

/** An attribute value as OTLP carries it, flattened to plain JavaScript. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export interface Scope {
  name: string;
  version: string;
}

/** How a request writes trace and span ids: hex in OTLP/JSON, base64 as protobufjs gives bytes. */
export type IdEncoding = 'hex' | 'base64';

/** Counts the items of lists across a request and refuses the list that takes the total past `limit`. */
export function limitedTotal(limit: number, what: string): (items: unknown[]) => unknown[] {
  let total = 0;
  return (items) => {
    total += items.length;
    if (total > limit) throw new OtlpLimitError(`more than ${limit} ${what}`);
    return items;
  };
}

/** A list of at most `limit` items. */
export function limitedList(value: unknown, limit: number, what: string): unknown[] {
  const items = list(value);
  if (items.length > limit) throw new OtlpLimitError(`more than ${limit} ${what}`);
  return items;
}

export function scopeOf(scope: unknown): Scope {
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

export function integer(value: unknown): number {
  const result = number(value ?? 0);
  if (!Number.isInteger(result)) throw new OtlpDecodeError('expected an integer');
  return result;
}

/** int64 and double fields: JSON may carry them as numbers or decimal strings. */
export function number(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new OtlpDecodeError('expected a number');
}

/**
 * double fields: also NaN and the infinities (protobuf carries them as numbers, OTLP/JSON as the
 * strings "NaN", "Infinity", "-Infinity"), so a data point holding one is refused alone, not the request.
 */
export function double(value: unknown): number {
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
export function count(value: unknown): number {
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
