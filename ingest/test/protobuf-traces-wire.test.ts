// The hand-written protobuf traces reader (src/otlp/traces/protobuf-traces.ts) on bodies built field by
// field: what no SDK sends (fields it does not know, a known field with another wire type, a span
// without its ids) and the per-request and per-span limits at their edge. The SDK-made spans are
// in protobuf-traces-decoder.test.ts.
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../src/otlp/decode-error.js';
import { OTLP_LIMITS, OtlpLimitError } from '../src/otlp/limits.js';
import { WIRE } from '../src/otlp/protobuf-reader.js';
import { readTraceRequest } from '../src/otlp/traces/protobuf-traces.js';

/** One protobuf field: its number, its wire type, and a value of that wire type (a message as its fields). */
type Field = [number, number, number | bigint | string | Uint8Array | Field[]];

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

/** The bytes of a message: written here, so a test can send what no encoder would. */
function encode(fields: Field[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const [number, wire, value] of fields) {
    parts.push(Buffer.from(varint(number * 8 + wire)));
    if (wire === WIRE.varint) parts.push(Buffer.from(varint(Number(value))));
    else if (wire === WIRE.fixed64) {
      const bytes = Buffer.alloc(8);
      bytes.writeBigUInt64LE(BigInt(value as number | bigint));
      parts.push(bytes);
    } else if (wire === WIRE.fixed32) parts.push(Buffer.alloc(4));
    else {
      const bytes = typeof value === 'string' ? Buffer.from(value) : Array.isArray(value) ? encode(value) : (value as Uint8Array);
      parts.push(Buffer.from(varint(bytes.length)), bytes);
    }
  }
  return Buffer.concat(parts);
}

/** The messages a field can be added to; a message with no entry is left out of the body. */
type Extras = Partial<
  Record<
    'request' | 'resourceSpans' | 'resource' | 'scopeSpans' | 'scope' | 'span' | 'status' | 'event' | 'link' | 'keyValue' | 'anyValue',
    Field[]
  >
>;

const TRACE_ID = new Uint8Array(16).fill(0xab);
const SPAN_ID = new Uint8Array(8).fill(0xcd);

/** A request of one span with its ids, name and times; `extras` adds fields to any message in it. */
function request(
  extras: Extras = {},
  spanBase: Field[] = [
    [1, 2, TRACE_ID],
    [2, 2, SPAN_ID],
    [5, 2, 'click'],
    [7, 1, 1_000n],
    [8, 1, 2_000n],
  ],
): Buffer {
  const span: Field[] = [...spanBase, ...(extras.span ?? [])];
  if (extras.status) span.push([15, 2, [[3, 0, 1], ...extras.status]]);
  if (extras.event) span.push([11, 2, [[1, 1, 1_500n], [2, 2, 'seen'], ...extras.event]]);
  if (extras.link) span.push([13, 2, [[1, 2, TRACE_ID], [2, 2, SPAN_ID], ...extras.link]]);
  if (extras.keyValue || extras.anyValue)
    span.push([9, 2, [[1, 2, 'k'], [2, 2, [[1, 2, 'v'], ...(extras.anyValue ?? [])]], ...(extras.keyValue ?? [])]]);
  const scopeSpans: Field[] = [[1, 2, [[1, 2, 'tracer'], ...(extras.scope ?? [])]], [2, 2, span], ...(extras.scopeSpans ?? [])];
  const resourceSpans: Field[] = [[1, 2, [...(extras.resource ?? [])]], [2, 2, scopeSpans], ...(extras.resourceSpans ?? [])];
  return encode([[1, 2, resourceSpans], ...(extras.request ?? [])]);
}

const MESSAGES = [
  'request',
  'resourceSpans',
  'resource',
  'scopeSpans',
  'scope',
  'span',
  'status',
  'event',
  'link',
  'keyValue',
  'anyValue',
] as const;

describe('the protobuf traces reader on hand-built bodies', () => {
  it('reads the one span of the plain request', () => {
    const [resourceSpans] = readTraceRequest(request());
    const span = resourceSpans!.scopes[0]!.spans[0]!;
    expect(resourceSpans!.scopes[0]!.scope.name).toBe('tracer');
    expect({ traceId: span.traceId, spanId: span.spanId, name: span.name }).toEqual({
      traceId: 'ab'.repeat(16),
      spanId: 'cd'.repeat(8),
      name: 'click',
    });
  });

  it.each(MESSAGES)('skips fields it does not know in a %s, of every wire type', (message) => {
    const unknown: Field[] = [
      [99, WIRE.varint, 300],
      [98, WIRE.fixed64, 7n],
      [97, WIRE.bytes, 'ignored'],
      [96, WIRE.fixed32, 0],
    ];
    expect(readTraceRequest(request({ [message]: unknown }))).toEqual(readTraceRequest(request({ [message]: [] })));
  });

  // Each known field sent with a wire type other than its own: bytes as a varint, a varint as
  // bytes, a fixed64 as a varint. Read as its own type, it would be misread or read past its end.
  const wrongWire: Array<[keyof Extras, number, number]> = [
    ['request', 1, WIRE.varint],
    ['resourceSpans', 1, WIRE.varint],
    ['resourceSpans', 2, WIRE.varint],
    ['scopeSpans', 1, WIRE.varint],
    ['scopeSpans', 2, WIRE.varint],
    ['scope', 1, WIRE.varint],
    ['scope', 2, WIRE.varint],
    ['scope', 3, WIRE.varint],
    ...[1, 2, 3, 4, 5, 9, 11, 13, 15].map((field): [keyof Extras, number, number] => ['span', field, WIRE.varint]),
    ['span', 6, WIRE.bytes],
    ['span', 7, WIRE.varint],
    ['span', 8, WIRE.varint],
    ['status', 2, WIRE.varint],
    ['status', 3, WIRE.bytes],
    ['event', 1, WIRE.varint],
    ['event', 2, WIRE.varint],
    ['event', 3, WIRE.varint],
    ...[1, 2, 3, 4].map((field): [keyof Extras, number, number] => ['link', field, WIRE.varint]),
    ['keyValue', 1, WIRE.varint],
    ['keyValue', 2, WIRE.varint],
    ['anyValue', 1, WIRE.varint],
    ['anyValue', 2, WIRE.bytes],
    ['anyValue', 3, WIRE.bytes],
    ['anyValue', 4, WIRE.varint],
    ['anyValue', 5, WIRE.varint],
    ['anyValue', 6, WIRE.varint],
    ['anyValue', 7, WIRE.varint],
  ];
  it.each(wrongWire)('refuses field %s.%i sent with wire type %i, naming both', (message, field, wire) => {
    const value = wire === WIRE.bytes ? '' : 1;
    const body = request({ [message]: [[field, wire, value]] });
    expect(() => readTraceRequest(body)).toThrow(new OtlpDecodeError(`invalid protobuf: field ${field} has wire type ${wire}`));
  });

  it('refuses a span without its trace id, and one without its span id', () => {
    const noTrace: Field[] = [
      [2, 2, SPAN_ID],
      [5, 2, 'click'],
    ];
    const noSpan: Field[] = [
      [1, 2, TRACE_ID],
      [5, 2, 'click'],
    ];
    for (const spanBase of [noTrace, noSpan]) {
      expect(() => readTraceRequest(request({}, spanBase))).toThrow(new OtlpDecodeError('a span has no trace id or span id'));
    }
  });

  it('takes as many events and links as the limits allow, and refuses one more of either', () => {
    const events = (count: number): Field[] => Array.from({ length: count }, (): Field => [11, 2, [[2, 2, 'e']]]);
    const links = (count: number): Field[] =>
      Array.from(
        { length: count },
        (): Field => [
          13,
          2,
          [
            [1, 2, TRACE_ID],
            [2, 2, SPAN_ID],
          ],
        ],
      );
    const span = readTraceRequest(request({ span: [...events(OTLP_LIMITS.eventsPerSpan), ...links(OTLP_LIMITS.linksPerSpan)] }))[0]!
      .scopes[0]!.spans[0]!;
    expect([span.events.length, span.links.length]).toEqual([OTLP_LIMITS.eventsPerSpan, OTLP_LIMITS.linksPerSpan]);
    expect(() => readTraceRequest(request({ span: events(OTLP_LIMITS.eventsPerSpan + 1) }))).toThrow(OtlpLimitError);
    expect(() => readTraceRequest(request({ span: links(OTLP_LIMITS.linksPerSpan + 1) }))).toThrow(OtlpLimitError);
  });

  it('counts spans across every scope and resource of a request, up to the limit and not one past it', () => {
    const span: Field = [
      2,
      2,
      [
        [1, 2, TRACE_ID],
        [2, 2, SPAN_ID],
      ],
    ];
    const half = OTLP_LIMITS.spansPerRequest / 2;
    const resourceOf = (spans: number): Field => [1, 2, [[2, 2, Array.from({ length: spans }, () => span)]]];
    const atLimit = readTraceRequest(encode([resourceOf(half), resourceOf(half)]));
    expect(atLimit.flatMap((resource) => resource.scopes.flatMap((scope) => scope.spans))).toHaveLength(OTLP_LIMITS.spansPerRequest);
    expect(() => readTraceRequest(encode([resourceOf(half), resourceOf(half + 1)]))).toThrow(
      new OtlpLimitError(`more than ${OTLP_LIMITS.spansPerRequest} spans in one request`),
    );
  });
});
