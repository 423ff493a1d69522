import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../src/otlp/decode-error.js';
import { decodeTraces } from '../src/otlp/traces/decode-traces.js';
import { OtlpLimitError } from '../src/otlp/limits.js';
import { readTraceRequest } from '../src/otlp/traces/protobuf-traces.js';

// The protobuf traces reader is written by hand for speed (src/otlp/traces/protobuf-traces.ts); OTLP/JSON
// goes through the generic reader. Both must read the same spans into the same data, whatever the
// SDK puts in them, and refuse what breaks the wire format.

/** Spans with every kind of value the SDK can carry: scalars, arrays, events, links, status, parents. */
function variedSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'portfolio-web', 'portfolio.site': 'portfolio', 'host.cores': 8 }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('decoder-test', '2.1.0');
  const parent = tracer.startSpan('parent', { kind: 1 });
  for (let index = 0; index < 300; index++) {
    const span = tracer.startSpan(`span ${index} ${'é'.repeat(index % 3)}`, {
      kind: index % 5,
      attributes: {
        'portfolio.event.type': index % 2 ? 'object_click' : 'page_view',
        'url.path': `/page/${index}`,
        // Distinct strings of every length up to and past the reader's table of short strings.
        'text.distinct': 'x'.repeat(index),
        'text.unicode': `naïve ☃ ${index} 😀`,
        'number.int': index - 150,
        'number.big': 2 ** 52 + index,
        'number.double': index / 7,
        'flag.on': index % 2 === 0,
        'list.text': ['a', `b${index}`],
        'list.int': [1, -2, index],
        'list.double': [0.5, index / 3],
        'list.bool': [true, false],
      },
      links: index % 4 === 0 ? [{ context: parent.spanContext(), attributes: { 'link.why': 'follows' } }] : [],
    });
    if (index % 3 === 0) span.addEvent('clicked', { 'event.count': index, 'event.where': 'room' });
    span.setStatus({ code: index % 3, message: index % 3 === 2 ? `failed ${index}` : undefined });
    span.end();
  }
  parent.end();
  return exporter.getFinishedSpans();
}

describe('the protobuf traces reader', () => {
  it('reads the same spans as the OTLP/JSON path, from the SDK serializers of both', () => {
    const spans = variedSpans();
    const fromProtobuf = decodeTraces(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!), 'protobuf');
    const fromJson = decodeTraces(JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(spans)!).toString('utf8')), 'json');
    expect(fromProtobuf[0]!.scopes[0]!.spans).toHaveLength(301);
    expect(fromProtobuf).toEqual(fromJson);
    // The same again: strings the reader remembers from the first read come back the same.
    expect(decodeTraces(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!), 'protobuf')).toEqual(fromJson);
  });

  it('keeps an attribute named __proto__ as an attribute, never as the prototype', () => {
    const attribute = message(9, Buffer.concat([message(1, Buffer.from('__proto__')), message(2, message(1, Buffer.from('value')))]));
    const span = Buffer.concat([message(1, Buffer.alloc(16, 1)), message(2, Buffer.alloc(8, 2)), attribute]);
    const attributes = readTraceRequest(message(1, message(2, message(2, span))))[0]!.scopes[0]!.spans[0]!.attributes;
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.entries(attributes)).toEqual([['__proto__', 'value']]);
  });

  it('refuses a body cut short, an id of the wrong size, a field of the wrong wire type and text that is not UTF-8', () => {
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(variedSpans().slice(0, 2))!);
    expect(() => readTraceRequest(body.subarray(0, body.length - 3))).toThrow(OtlpDecodeError);
    // ResourceSpans (field 1) sent as a varint.
    expect(() => readTraceRequest(Buffer.from([0x08, 0x01]))).toThrow(/wire type/);
    // A span (in a scope, in a resource) whose trace id is 3 bytes.
    const span = message(1, Buffer.from([0x01, 0x02, 0x03]));
    expect(() => readTraceRequest(message(1, message(2, message(2, span))))).toThrow(/not 16 bytes/);
    // A span name holding the bytes of a lone surrogate (CESU-8), which UTF-8 does not allow.
    const named = Buffer.concat([
      message(1, Buffer.alloc(16, 1)),
      message(2, Buffer.alloc(8, 2)),
      message(5, Buffer.from([0xed, 0xa0, 0x80])),
    ]);
    expect(() => readTraceRequest(message(1, message(2, message(2, named))))).toThrow(/utf-8/);
    // The same span with a plain name is read.
    const plain = Buffer.concat([message(1, Buffer.alloc(16, 1)), message(2, Buffer.alloc(8, 2)), message(5, Buffer.from('ok'))]);
    expect(readTraceRequest(message(1, message(2, message(2, plain))))[0]!.scopes[0]!.spans[0]!.name).toBe('ok');
  });

  it('refuses, by itself, more attributes than one item may have', () => {
    const attribute = message(9, Buffer.concat([message(1, Buffer.from('k')), message(2, message(1, Buffer.from('v')))]));
    const span = Buffer.concat([
      message(1, Buffer.alloc(16, 1)),
      message(2, Buffer.alloc(8, 2)),
      ...Array.from({ length: 129 }, () => attribute),
    ]);
    expect(() => readTraceRequest(message(1, message(2, message(2, span))))).toThrow(OtlpLimitError);
  });
});

/** A length-delimited field (wire type 2) holding `content`. */
function message(field: number, content: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(content.length), content]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return Buffer.from(bytes);
}
