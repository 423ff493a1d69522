import { OtlpDecodeError } from '../../src/otlp/decode-error.js';
import { OtlpLimitError } from '../../src/otlp/limits.js';

// Small builders for OTLP requests written by hand (protobuf wire format and OTLP/JSON values), for
// tests that must put a request exactly at a limit or one past it, which no SDK would send.

/** How a call refused its input: the error's kind and its exact message, e.g. `limit: more than 128 ...`. */
export function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof OtlpLimitError) return `limit: ${error.message}`;
    if (error instanceof OtlpDecodeError) return `decode: ${error.message}`;
    throw error;
  }
  throw new Error('the input was accepted');
}

/** A base-128 varint (non-negative values up to 2^53). */
export function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** A field's tag: its number and wire type. */
export function tag(field: number, wireType: number): Buffer {
  return varint(field * 8 + wireType);
}

/** A length-delimited field (wire type 2) holding `parts`, one after the other. */
export function message(field: number, ...parts: Array<Buffer | string>): Buffer {
  const content = Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
  return Buffer.concat([tag(field, 2), varint(content.length), content]);
}

/** `count` copies of `part`, one after the other. */
export function repeat(part: Buffer, count: number): Buffer {
  return Buffer.concat(Array.from({ length: count }, () => part));
}

/** An OTLP/JSON KeyValue. */
export const kv = (key: string, value: unknown) => ({ key, value });
/** An OTLP/JSON AnyValue holding a string. */
export const str = (value: string) => ({ stringValue: value });
/** An OTLP/JSON AnyValue holding an array of AnyValues. */
export const arr = (...values: unknown[]) => ({ arrayValue: { values } });
