// The protobuf wire format, read by hand for the hot path (traces/protobuf-traces.ts): varints,
// fixed-width numbers, length-delimited fields and well-formed UTF-8 text, each failure an
// OtlpDecodeError. See protobuf-traces.ts for why protobufjs is not used there.
import { isUtf8 } from 'node:buffer';
import { OtlpDecodeError } from './decode-error.js';

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const;

/** Two hex digits for each byte value: ids are 8 or 16 bytes, cheaper joined than a native call each. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export class ProtobufReader {
  at = 0;
  private readonly view: DataView;

  constructor(readonly bytes: Buffer) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A varint as a number; exact up to 2^53, which covers tags, lengths, enums and booleans. */
  varint(): number {
    const bytes = this.bytes;
    let at = this.at;
    if (at >= bytes.length) throw truncated();
    let byte = bytes[at++]!;
    if (byte < 0x80) {
      this.at = at;
      return byte;
    }
    let value = byte & 0x7f;
    let scale = 128;
    for (let read = 1; read < 10; read++) {
      if (at >= bytes.length) throw truncated();
      byte = bytes[at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.at = at;
        return value;
      }
      scale *= 128;
    }
    throw new OtlpDecodeError('invalid protobuf: a varint longer than 10 bytes');
  }

  /** An int32 field (enums): the low 32 bits, signed, as protobuf reads a negative int32's 10-byte varint. */
  int32(): number {
    const start = this.at;
    this.varint();
    let value = 0;
    let shift = 0;
    for (let at = start; at < this.at && shift < 32; at++, shift += 7) value |= (this.bytes[at]! & 0x7f) << shift;
    return value | 0;
  }

  /** An int64 field as a JavaScript number (as OTLP/JSON's decimal string would be read). */
  int64(): number {
    const start = this.at;
    const approximate = this.varint();
    if (this.at - start <= 7) return approximate; // at most 49 bits: exact
    let value = 0n;
    for (let at = this.at - 1; at >= start; at--) value = (value << 7n) | BigInt(this.bytes[at]! & 0x7f);
    return Number(BigInt.asIntN(64, value));
  }

  fixed64(): bigint {
    this.need(8);
    const value = this.view.getBigUint64(this.at, true);
    this.at += 8;
    return value;
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.at, true);
    this.at += 8;
    return value;
  }

  /** The end of a length-delimited field that starts here (its content follows the length). */
  end(): number {
    const length = this.varint();
    const end = this.at + length;
    if (end > this.bytes.length) throw truncated();
    return end;
  }

  /** A string field: UTF-8 by the protocol, refused when it is not. */
  text(): string {
    const end = this.end();
    const start = this.at;
    this.at = end;
    const bytes = this.bytes;
    const length = end - start;
    if (length > INTERNED_MAX_CHARS) return utf8Text(bytes, start, end);
    // ASCII, by far the common case, needs no validation; the same loop hashes it for the table.
    let hash = length;
    for (let at = start; at < end; at++) {
      const byte = bytes[at]!;
      if (byte >= 0x80) return utf8Text(bytes, start, end);
      hash = (Math.imul(hash, 31) + byte) | 0;
    }
    const slot = hash & (INTERNED_SLOTS - 1);
    const known = interned[slot]!;
    if (known.length === length && sameAscii(known, bytes, start)) return known;
    const text = bytes.toString('latin1', start, end);
    interned[slot] = text;
    return text;
  }

  /** A bytes field holding an id: lowercase hex, '' when empty, refused when not `size` bytes. */
  id(size: number): string {
    const end = this.end();
    const start = this.at;
    this.at = end;
    if (end === start) return '';
    if (end - start !== size) throw new OtlpDecodeError(`an id is not ${size} bytes`);
    let hex = '';
    for (let at = start; at < end; at++) hex += HEX[this.bytes[at]!];
    return hex;
  }

  /** A bytes field as base64, as OTLP/JSON carries bytes. */
  base64(): string {
    const end = this.end();
    const start = this.at;
    this.at = end;
    return this.bytes.toString('base64', start, end);
  }

  /** Skips a field of the given wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE.varint:
        this.varint();
        return;
      case WIRE.fixed64:
        this.need(8);
        this.at += 8;
        return;
      case WIRE.bytes:
        this.at = this.end();
        return;
      case WIRE.fixed32:
        this.need(4);
        this.at += 4;
        return;
      case WIRE.startGroup:
        for (;;) {
          if (this.at >= this.bytes.length) throw truncated();
          const tag = this.varint();
          if ((tag & 7) === WIRE.endGroup) return;
          this.skip(tag & 7);
        }
      default:
        throw new OtlpDecodeError(`invalid protobuf: wire type ${wireType}`);
    }
  }

  /** Throws unless a field of `wireType` may hold the field numbered `field`. */
  expect(wireType: number, expected: number, field: number): void {
    if (wireType !== expected) throw new OtlpDecodeError(`invalid protobuf: field ${field} has wire type ${wireType}`);
  }

  private need(bytes: number): void {
    if (this.at + bytes > this.bytes.length) throw truncated();
  }
}

/**
 * Short ASCII strings met lately, by a hash of their bytes: attribute keys, event types, paths,
 * user agents and service names repeat across the spans of a request and across requests, and a
 * string found here is neither copied out of the body nor one more object for the collector (a
 * third of the reader's time went to collecting them). Bounded: SLOTS strings of at most MAX_CHARS.
 */
const INTERNED_SLOTS = 4096;
const INTERNED_MAX_CHARS = 256;
const interned: string[] = new Array<string>(INTERNED_SLOTS).fill('');

function sameAscii(text: string, bytes: Uint8Array, start: number): boolean {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) !== bytes[start + index]) return false;
  return true;
}

function utf8Text(bytes: Buffer, start: number, end: number): string {
  if (!isUtf8(bytes.subarray(start, end))) throw new OtlpDecodeError('invalid protobuf: a string is not valid utf-8');
  return bytes.toString('utf8', start, end);
}

function truncated(): OtlpDecodeError {
  return new OtlpDecodeError('invalid protobuf: the body ends inside a field');
}
