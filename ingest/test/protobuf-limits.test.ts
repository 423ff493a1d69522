import { describe, expect, it } from 'vitest';
import { OtlpLimitError } from '../src/otlp/limits.js';
import { checkProtobufLimits } from '../src/otlp/protobuf-limits.js';
import { ProtobufReader, WIRE } from '../src/otlp/protobuf-reader.js';
import { readTraceRequest } from '../src/otlp/traces/protobuf-traces.js';
import { message, refusal, repeat, tag, varint } from './support/otlp-wire.js';

// The two hand-written readers of the protobuf wire format: the walk that checks a body against
// OTLP_LIMITS before anything decodes it (src/otlp/protobuf-limits.ts), and the reader the traces
// decoder is built on (src/otlp/protobuf-reader.ts). Bodies are written byte by byte (field
// numbers from src/otlp/proto/otlp.proto), so each can sit exactly at a limit or one past it.

/** Checks a body; returns 'accepted', or the refusal as `limit: <message>`. */
function checked(body: Buffer, request: 'traces' | 'metrics' | 'logs' = 'traces'): string {
  try {
    checkProtobufLimits(body, request);
    return 'accepted';
  } catch (error) {
    if (error instanceof OtlpLimitError) return `limit: ${error.message}`;
    throw error;
  }
}

/** A KeyValue, as the repeated attributes field numbered `field` of its message. */
const attribute = (field: number) => message(field, message(1, 'k'), message(2, message(1, 'v')));
const attributes = (field: number, count: number) => repeat(attribute(field), count);

/** A traces request holding one span (TraceRequest.1 > ResourceSpans.2 > ScopeSpans.2) made of `parts`. */
const inSpan = (...parts: Buffer[]) => message(1, message(2, message(2, ...parts)));

/** A metrics request holding one data point (Request.1 > ResourceMetrics.2 > ScopeMetrics.2 > Metric.`kind` > points.1). */
const inPoint = (kind: number, ...parts: Buffer[]) => message(1, message(2, message(2, message(kind, message(1, ...parts)))));

/** An AnyValue holding a string inside `levels - 1` array values (so `levels` AnyValues deep). */
const nestedValue = (levels: number): Buffer => (levels === 1 ? message(1, 'x') : message(5, message(1, nestedValue(levels - 1))));

/** A span attribute holding the AnyValue `value`. */
const spanAttribute = (value: Buffer) => message(9, message(1, 'k'), message(2, value));

describe('checkProtobufLimits(): traces', () => {
  it('takes 128 attributes of each item and refuses 129, naming the item', () => {
    const items: Array<[string, (count: number) => Buffer]> = [
      ['span', (count) => inSpan(attributes(9, count))],
      ['span event', (count) => inSpan(message(11, attributes(3, count)))],
      ['span link', (count) => inSpan(message(13, attributes(4, count)))],
      ['resource', (count) => message(1, message(1, attributes(1, count)))],
      ['instrumentation scope', (count) => message(1, message(2, message(1, attributes(3, count))))],
    ];
    for (const [item, body] of items) {
      expect(checked(body(128)), item).toBe('accepted');
      expect(checked(body(129)), item).toBe(`limit: more than 128 attributes of one ${item}`);
    }
  });

  it('takes 128 events and 128 links of one span and refuses 129', () => {
    expect(checked(inSpan(repeat(message(11), 128)))).toBe('accepted');
    expect(checked(inSpan(repeat(message(11), 129)))).toBe('limit: more than 128 events of one span');
    expect(checked(inSpan(repeat(message(13), 128)))).toBe('accepted');
    expect(checked(inSpan(repeat(message(13), 129)))).toBe('limit: more than 128 links of one span');
  });

  it('takes 10,000 spans in one request and refuses 10,001, counted across scopes and resources', () => {
    const scopeOf = (spans: number) => message(2, repeat(message(2), spans));
    const body = (last: number) => Buffer.concat([message(1, scopeOf(5000)), message(1, scopeOf(4000), scopeOf(last))]);
    expect(checked(body(1000))).toBe('accepted');
    expect(checked(body(1001))).toBe('limit: more than 10000 spans in one request');
  });

  it('counts each message on its own: two spans of 128 attributes, and a span whose attributes surround an event', () => {
    expect(checked(message(1, message(2, message(2, attributes(9, 128)), message(2, attributes(9, 128)))))).toBe('accepted');
    const around = (after: number) => inSpan(attributes(9, 64), message(11, attributes(3, 128)), attributes(9, after));
    expect(checked(around(64))).toBe('accepted');
    expect(checked(around(65))).toBe('limit: more than 128 attributes of one span');
  });

  it('counts only the fields the schema names: attributes under another field number are not attributes', () => {
    // Span field 10 is dropped_attributes_count, field 12 dropped_events_count: not lists of anything.
    expect(checked(inSpan(attributes(10, 200), attributes(12, 200)))).toBe('accepted');
    expect(checked(inSpan(message(11, attributes(4, 200)), message(13, attributes(3, 200))))).toBe('accepted');
  });

  it('takes values 8 AnyValues deep and refuses 9, through arrays and key-value lists', () => {
    expect(checked(inSpan(spanAttribute(nestedValue(8))))).toBe('accepted');
    expect(checked(inSpan(spanAttribute(nestedValue(9))))).toBe('limit: attribute values nested more than 8 deep');
    // Depth is the path's, not the number of deep values: two values 8 deep side by side are fine.
    expect(
      checked(inSpan(spanAttribute(nestedValue(8)), spanAttribute(message(5, message(1, nestedValue(7)), message(1, nestedValue(7)))))),
    ).toBe('accepted');
    // A key-value list's entries count as one level more, as arrays' values do.
    const listAt = (arrays: number): Buffer => {
      let value = message(6, message(1, message(1, 'key'), message(2, message(1, 'v'))));
      for (let level = 0; level < arrays; level++) value = message(5, message(1, value));
      return value;
    };
    expect(checked(inSpan(spanAttribute(listAt(6))))).toBe('accepted');
    expect(checked(inSpan(spanAttribute(listAt(7))))).toBe('limit: attribute values nested more than 8 deep');
  });

  it('takes 128 values of one array or key-value list and refuses 129', () => {
    const array = (count: number) => spanAttribute(message(5, repeat(message(1, message(1, 'v')), count)));
    expect(checked(inSpan(array(128)))).toBe('accepted');
    expect(checked(inSpan(array(129)))).toBe('limit: more than 128 values of one attribute');
    const list = (count: number) => spanAttribute(message(6, repeat(message(1, message(1, 'key'), message(2, message(1, 'v'))), count)));
    expect(checked(inSpan(list(128)))).toBe('accepted');
    expect(checked(inSpan(list(129)))).toBe('limit: more than 128 values of one attribute');
    // The value of a key-value list's entry is walked too: an array in it is held to the same limit.
    const arrayInList = (count: number) =>
      spanAttribute(message(6, message(1, message(1, 'key'), message(2, message(5, repeat(message(1, message(1, 'v')), count))))));
    expect(checked(inSpan(arrayInList(128)))).toBe('accepted');
    expect(checked(inSpan(arrayInList(129)))).toBe('limit: more than 128 values of one attribute');
  });

  it('follows key-value lists nested in each other, however deep, and refuses them past the nesting limit', () => {
    /** An AnyValue that is a key-value list of one entry whose value is `inner`. */
    const listOf = (inner: Buffer) => message(6, message(1, message(1, 'k'), message(2, inner)));
    const lists = (levels: number) => {
      let value = message(1, 'bottom');
      for (let level = 0; level < levels; level++) value = listOf(value);
      return value;
    };
    // Seven lists and the string at the bottom: 8 AnyValues deep.
    expect(checked(inSpan(spanAttribute(lists(7))))).toBe('accepted');
    expect(checked(inSpan(spanAttribute(lists(8))))).toBe('limit: attribute values nested more than 8 deep');
    // Far past the limit, the walk stops at the limit (the decoder alone would fail on its own depth with another error).
    expect(checked(inSpan(spanAttribute(lists(5000))))).toBe('limit: attribute values nested more than 8 deep');
  });

  it('skips varints (up to 10 bytes), fixed64 and fixed32 fields by their width, and keeps counting after them', () => {
    const others = Buffer.concat([
      tag(6, WIRE.varint),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      tag(7, WIRE.fixed64),
      Buffer.alloc(8, 0xff),
      tag(14, WIRE.fixed32),
      Buffer.alloc(4, 0xff),
      tag(200, WIRE.bytes),
      varint(3),
      Buffer.alloc(3, 0x0a),
    ]);
    expect(checked(inSpan(others, attributes(9, 128)))).toBe('accepted');
    expect(checked(inSpan(others, attributes(9, 129)))).toBe('limit: more than 128 attributes of one span');
  });

  it('leaves a malformed body to the decoder: the walk of a message stops where its wire format breaks', () => {
    const over = attributes(9, 129);
    const malformed: Array<[string, Buffer, string]> = [
      ['a varint of 11 bytes', inSpan(tag(6, 0), Buffer.from([...Array(10).fill(0x80), 0x01]), over), 'a varint longer than 10 bytes'],
      ['wire type 6', inSpan(tag(14, 6), over), 'wire type 6'],
      ['wire type 7', inSpan(tag(14, 7), over), 'wire type 7'],
      ['a tag cut short', Buffer.from([0x0a, 0x00, 0x80]), 'the body ends inside a field'],
    ];
    for (const [what, body, decoderSays] of malformed) {
      expect(checked(body), what).toBe('accepted');
      expect(
        refusal(() => readTraceRequest(body)),
        what,
      ).toBe(`decode: invalid protobuf: ${decoderSays}`);
    }
    // A span whose length runs past the end of its scope is not walked; the rest of the request is.
    const pastTheEnd = message(1, message(2, tag(2, WIRE.bytes), varint(over.length + 1), over));
    expect(checked(pastTheEnd)).toBe('accepted');
    expect(checked(Buffer.concat([pastTheEnd, inSpan(over)]))).toBe('limit: more than 128 attributes of one span');
    // A length exactly at the end is walked.
    expect(checked(message(1, message(2, tag(2, WIRE.bytes), varint(over.length), over)))).toBe(
      'limit: more than 128 attributes of one span',
    );
    // A group is not part of OTLP: the walk stops at it (what the group holds is not the span's).
    expect(checked(inSpan(tag(14, WIRE.startGroup), over, tag(14, WIRE.endGroup)))).toBe('accepted');
  });
});

describe('checkProtobufLimits(): metrics', () => {
  it('takes 128 attributes of a data point of every kind, and of the resource and scope, and refuses 129', () => {
    const items: Array<[string, string, (count: number) => Buffer]> = [
      ['gauge', 'data point', (count) => inPoint(5, attributes(7, count))],
      ['sum', 'data point', (count) => inPoint(7, attributes(7, count))],
      ['histogram', 'data point', (count) => inPoint(9, attributes(9, count))],
      ['exponential histogram', 'data point', (count) => inPoint(10, attributes(1, count))],
      ['resource', 'resource', (count) => message(1, message(1, attributes(1, count)))],
      ['scope', 'instrumentation scope', (count) => message(1, message(2, message(1, attributes(3, count))))],
    ];
    for (const [where, item, body] of items) {
      expect(checked(body(128), 'metrics'), where).toBe('accepted');
      expect(checked(body(129), 'metrics'), where).toBe(`limit: more than 128 attributes of one ${item}`);
    }
    // The same bytes are not a traces request's span attributes.
    expect(checked(inPoint(7, attributes(7, 129)), 'traces')).toBe('accepted');
    // Attributes under a number point's other fields are not counted.
    expect(checked(inPoint(7, attributes(9, 200)), 'metrics')).toBe('accepted');
  });

  it('takes 10,000 data points in one request and refuses 10,001, counted across metrics of every kind', () => {
    const metric = (kind: number, points: number) => message(2, message(kind, repeat(message(1), points)));
    const body = (last: number) => message(1, message(2, metric(5, 2500), metric(7, 2500), metric(9, 2500)), message(2, metric(10, last)));
    expect(checked(body(2500), 'metrics')).toBe('accepted');
    expect(checked(body(2501), 'metrics')).toBe('limit: more than 10000 data points in one request');
    // Summaries (field 11) are not counted: the decoder drops them.
    expect(checked(message(1, message(2, metric(11, 10_001))), 'metrics')).toBe('accepted');
  });

  it('checks nesting in data point attributes too', () => {
    const point = (levels: number) => inPoint(7, message(7, message(1, 'k'), message(2, nestedValue(levels))));
    expect(checked(point(8), 'metrics')).toBe('accepted');
    expect(checked(point(9), 'metrics')).toBe('limit: attribute values nested more than 8 deep');
  });
});

describe('checkProtobufLimits(): logs', () => {
  /** A logs request holding one log record (Request.1 > ResourceLogs.2 > ScopeLogs.2) made of `parts`. */
  const inRecord = (...parts: Buffer[]) => message(1, message(2, message(2, ...parts)));

  it('takes 128 attributes of a log record, its resource and its scope, and refuses 129', () => {
    const items: Array<[string, (count: number) => Buffer]> = [
      ['log record', (count) => inRecord(attributes(6, count))],
      ['resource', (count) => message(1, message(1, attributes(1, count)))],
      ['instrumentation scope', (count) => message(1, message(2, message(1, attributes(3, count))))],
    ];
    for (const [item, body] of items) {
      expect(checked(body(128), 'logs'), item).toBe('accepted');
      expect(checked(body(129), 'logs'), item).toBe(`limit: more than 128 attributes of one ${item}`);
    }
    // The same bytes are not a metrics request's attributes.
    expect(checked(inRecord(attributes(6, 129)), 'metrics')).toBe('accepted');
  });

  it('holds a log record body to the limits of an attribute value', () => {
    expect(checked(inRecord(message(5, nestedValue(8))), 'logs')).toBe('accepted');
    expect(checked(inRecord(message(5, nestedValue(9))), 'logs')).toBe('limit: attribute values nested more than 8 deep');
    const arrayBody = (count: number) => inRecord(message(5, message(5, repeat(message(1, message(1, 'v')), count))));
    expect(checked(arrayBody(128), 'logs')).toBe('accepted');
    expect(checked(arrayBody(129), 'logs')).toBe('limit: more than 128 values of one attribute');
  });

  it('takes 10,000 log records in one request and refuses 10,001, counted across scopes and resources', () => {
    const scope = (records: number) => message(2, repeat(message(2), records));
    const body = (last: number) => Buffer.concat([message(1, scope(5000)), message(1, scope(4000), scope(last))]);
    expect(checked(body(1000), 'logs')).toBe('accepted');
    expect(checked(body(1001), 'logs')).toBe('limit: more than 10000 log records in one request');
  });
});

describe('ProtobufReader', () => {
  const reader = (...bytes: number[]) => new ProtobufReader(Buffer.from(bytes));

  it('names the wire types by their numbers', () => {
    expect(WIRE).toEqual({ varint: 0, fixed64: 1, bytes: 2, startGroup: 3, endGroup: 4, fixed32: 5 });
  });

  it('reads varints of one to ten bytes and moves past each', () => {
    const read = reader(0x00, 0x7f, 0x80, 0x01, 0xac, 0x02, 0x80, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f);
    expect([read.varint(), read.varint(), read.varint(), read.varint(), read.varint(), read.varint()]).toEqual([
      0,
      127,
      128,
      300,
      0,
      2 ** 53 - 1,
    ]);
    expect(read.at).toBe(16);
    // 64 bits: exact to 2^53, the nearest double above it.
    expect(reader(...Array(9).fill(0xff), 0x01).varint()).toBe(2 ** 64);
    const tenBytes = reader(...Array(9).fill(0x80), 0x01);
    expect(tenBytes.varint()).toBe(2 ** 63);
    expect(tenBytes.at).toBe(10);
  });

  it('refuses a varint of 11 bytes and one cut short', () => {
    expect(refusal(() => reader(...Array(10).fill(0x80), 0x01).varint())).toBe('decode: invalid protobuf: a varint longer than 10 bytes');
    expect(refusal(() => reader().varint())).toBe('decode: invalid protobuf: the body ends inside a field');
    expect(refusal(() => reader(0x80).varint())).toBe('decode: invalid protobuf: the body ends inside a field');
    expect(refusal(() => reader(0xff, 0xff).varint())).toBe('decode: invalid protobuf: the body ends inside a field');
  });

  it('reads int32 as the low 32 bits, signed, from varints of any length', () => {
    const values = (...bytes: number[]) => {
      const read = reader(...bytes);
      const value = read.int32();
      return [value, read.at];
    };
    expect(values(0x96, 0x01)).toEqual([150, 2]);
    expect(values(0xff, 0xff, 0xff, 0xff, 0x07)).toEqual([2_147_483_647, 5]);
    // Negative int32s are sign-extended to 10 bytes on the wire.
    expect(values(...Array(9).fill(0xff), 0x01)).toEqual([-1, 10]);
    expect(values(0xfe, ...Array(8).fill(0xff), 0x01)).toEqual([-2, 10]);
    expect(values(0x80, 0x80, 0x80, 0x80, 0xf8, 0xff, 0xff, 0xff, 0xff, 0x01)).toEqual([-2_147_483_648, 10]);
    // 2^32 + 5: only the low 32 bits are kept.
    expect(values(0x85, 0x80, 0x80, 0x80, 0x10)).toEqual([5, 5]);
  });

  it('reads int64 exactly up to 2^53 and negative values as negative', () => {
    const int64 = (...bytes: number[]) => {
      const read = reader(...bytes);
      const value = read.int64();
      return [value, read.at];
    };
    expect(int64(0x05)).toEqual([5, 1]);
    expect(int64(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)).toEqual([2 ** 49 - 1, 7]);
    expect(int64(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)).toEqual([2 ** 49, 8]);
    expect(int64(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f)).toEqual([2 ** 53 - 1, 8]);
    expect(int64(...Array(9).fill(0xff), 0x01)).toEqual([-1, 10]);
    // -300: 0xfffffffffffffed4.
    expect(int64(0xd4, 0xfd, ...Array(7).fill(0xff), 0x01)).toEqual([-300, 10]);
    expect(int64(...Array(8).fill(0x80), 0x80, 0x01)).toEqual([-(2 ** 63), 10]);
  });

  it('reads fixed64 and double little-endian, and refuses them cut short', () => {
    const fixed = Buffer.alloc(16);
    fixed.writeBigUInt64LE(1_700_000_000_123_456_789n, 0);
    fixed.writeDoubleLE(-1.5, 8);
    const read = new ProtobufReader(fixed);
    expect(read.fixed64()).toBe(1_700_000_000_123_456_789n);
    expect(read.at).toBe(8);
    expect(read.double()).toBe(-1.5);
    expect(read.at).toBe(16);
    expect(refusal(() => reader(1, 2, 3, 4, 5, 6, 7).fixed64())).toBe('decode: invalid protobuf: the body ends inside a field');
    expect(refusal(() => reader(1, 2, 3, 4, 5, 6, 7).double())).toBe('decode: invalid protobuf: the body ends inside a field');
  });

  it('reads from a view into a larger buffer at the view offset', () => {
    const backing = Buffer.alloc(32, 0xee);
    backing.writeDoubleLE(2.5, 10);
    expect(new ProtobufReader(backing.subarray(10, 18)).double()).toBe(2.5);
  });

  it('finds the end of a length-delimited field, and refuses one that runs past the body', () => {
    const read = reader(0x03, 0x61, 0x62, 0x63);
    expect(read.end()).toBe(4);
    expect(read.at).toBe(1);
    expect(refusal(() => reader(0x04, 0x61, 0x62, 0x63).end())).toBe('decode: invalid protobuf: the body ends inside a field');
  });

  it('reads text: ASCII, UTF-8, long strings, and the same bytes as the same string', () => {
    const text = (bytes: Buffer) => new ProtobufReader(Buffer.concat([varint(bytes.length), bytes])).text();
    expect(text(Buffer.from('hello'))).toBe('hello');
    expect(text(Buffer.alloc(0))).toBe('');
    expect(text(Buffer.from('naïve ☃ 😀'))).toBe('naïve ☃ 😀');
    expect(text(Buffer.from('a'.repeat(300)))).toBe('a'.repeat(300));
    expect(text(Buffer.from(`${'a'.repeat(300)}é`))).toBe(`${'a'.repeat(300)}é`);
    // "Aa" and "BB" share a slot of the table of short strings (the same hash): each is read as itself.
    expect([text(Buffer.from('Aa')), text(Buffer.from('BB')), text(Buffer.from('Aa')), text(Buffer.from('Ab'))]).toEqual([
      'Aa',
      'BB',
      'Aa',
      'Ab',
    ]);
    const two = new ProtobufReader(Buffer.concat([varint(2), Buffer.from('ok'), varint(3), Buffer.from('abc')]));
    expect([two.text(), two.text(), two.at]).toEqual(['ok', 'abc', 7]);
  });

  it('refuses text that is not UTF-8, short or long', () => {
    const text = (bytes: Buffer) => () => new ProtobufReader(Buffer.concat([varint(bytes.length), bytes])).text();
    expect(refusal(text(Buffer.from([0xff])))).toBe('decode: invalid protobuf: a string is not valid utf-8');
    // 0x80 is the first byte that is not ASCII (a continuation byte alone).
    expect(refusal(text(Buffer.from([0x61, 0x80])))).toBe('decode: invalid protobuf: a string is not valid utf-8');
    expect(refusal(text(Buffer.from([0x61, 0xed, 0xa0, 0x80])))).toBe('decode: invalid protobuf: a string is not valid utf-8');
    expect(refusal(text(Buffer.concat([Buffer.from('a'.repeat(300)), Buffer.from([0xc3])])))).toBe(
      'decode: invalid protobuf: a string is not valid utf-8',
    );
  });

  it('reads ids as lowercase hex, an empty one as empty, and refuses one of another size', () => {
    const read = reader(0x02, 0xab, 0x0f, 0x00, 0x03, 1, 2, 3);
    expect([read.id(2), read.id(8), read.at]).toEqual(['ab0f', '', 4]);
    expect(refusal(() => read.id(8))).toBe('decode: an id is not 8 bytes');
    expect(read.at).toBe(8);
    expect(reader(0x08, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef).id(8)).toBe('0123456789abcdef');
  });

  it('reads bytes as base64', () => {
    const read = reader(0x03, 1, 2, 3, 0x00);
    expect([read.base64(), read.base64(), read.at]).toEqual(['AQID', '', 5]);
  });

  it('skips a field of each wire type, groups with nested groups included', () => {
    const skipped = (wireType: number, ...bytes: number[]) => {
      const read = reader(...bytes, 0x2a);
      read.skip(wireType);
      return [read.at, read.varint()];
    };
    expect(skipped(WIRE.varint, 0xff, 0x01)).toEqual([2, 42]);
    expect(skipped(WIRE.fixed64, 1, 2, 3, 4, 5, 6, 7, 8)).toEqual([8, 42]);
    expect(skipped(WIRE.bytes, 0x02, 0xff, 0xff)).toEqual([3, 42]);
    expect(skipped(WIRE.fixed32, 1, 2, 3, 4)).toEqual([4, 42]);
    // A group: a varint field, a nested group holding a fixed32, then the group's end tag.
    expect(skipped(WIRE.startGroup, 0x08, 0x05, 0x13, 0x1d, 1, 2, 3, 4, 0x14, 0x0c)).toEqual([10, 42]);
  });

  it('refuses to skip past the body, a group without its end, and wire types 4, 6 and 7', () => {
    const cut = 'decode: invalid protobuf: the body ends inside a field';
    expect(refusal(() => reader(1, 2, 3, 4, 5, 6, 7).skip(WIRE.fixed64))).toBe(cut);
    expect(refusal(() => reader(1, 2, 3).skip(WIRE.fixed32))).toBe(cut);
    expect(refusal(() => reader(0x05, 1).skip(WIRE.bytes))).toBe(cut);
    expect(refusal(() => reader(0x80).skip(WIRE.varint))).toBe(cut);
    expect(refusal(() => reader(0x08, 0x05).skip(WIRE.startGroup))).toBe(cut);
    expect(refusal(() => reader().skip(WIRE.endGroup))).toBe('decode: invalid protobuf: wire type 4');
    expect(refusal(() => reader().skip(6))).toBe('decode: invalid protobuf: wire type 6');
    expect(refusal(() => reader().skip(7))).toBe('decode: invalid protobuf: wire type 7');
  });

  it('accepts a field of the expected wire type and refuses another, naming the field', () => {
    expect(reader().expect(WIRE.bytes, WIRE.bytes, 5)).toBeUndefined();
    expect(refusal(() => reader().expect(WIRE.varint, WIRE.bytes, 5))).toBe('decode: invalid protobuf: field 5 has wire type 0');
  });
});
