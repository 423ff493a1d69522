import { describe, expect, it } from 'vitest';
import { LATEST_NANOS } from '../src/otlp/decode-error.js';
import { attributes, field, id, list, nanos, text } from '../src/otlp/decode.js';
import { decodeMetrics } from '../src/otlp/metrics/decode-metrics.js';
import { MetricsResponse, TraceResponse } from '../src/otlp/proto/otlp-proto.js';
import { decodeTraces } from '../src/otlp/traces/decode-traces.js';
import { makeSpans, metricsBody, tracesBody } from './support/otel-requests.js';
import { arr, kv, message, refusal, repeat, str } from './support/otlp-wire.js';

// The OTLP/JSON reader (src/otlp/decode.ts), called directly: the exact value each AnyValue kind,
// time, id and metric point becomes, and the exact refusal (its class and message) for each input
// the protocol or OTLP_LIMITS forbids, at each limit and one past it. The end-to-end tests
// (otlp.test.ts) show the same rules through the routes; these show every branch, fast.

const TRACE_ID = '0123456789abcdef0123456789abcdef';
const SPAN_ID = 'fedcba9876543210';

/** `count` attributes k0, k1... each holding the string "v". */
const manyAttributes = (count: number) => Array.from({ length: count }, (_, index) => kv(`k${index}`, str('v')));

/** A value held by `levels` array values, one inside the other, around `leaf`. */
function nestedArrays(levels: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < levels; level++) value = arr(value);
  return value;
}

/** The same with key-value-list values, each holding one entry named "in". */
function nestedLists(levels: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < levels; level++) value = { kvlistValue: { values: [kv('in', value)] } };
  return value;
}

/** The value of one attribute, read as decode.ts reads a span's or a resource's. */
const readValue = (value: unknown) => attributes([kv('a', value)]).a;

describe('attributes(): every AnyValue kind', () => {
  it('reads strings, booleans, ints (numbers and decimal strings), doubles, bytes, arrays and key-value lists', () => {
    expect(readValue(str('text'))).toBe('text');
    // An empty string is a value, not an absent one.
    expect(readValue(str(''))).toBe('');
    expect(readValue({ boolValue: true })).toBe(true);
    expect(readValue({ boolValue: false })).toBe(false);
    // Only the JSON literal true is true.
    expect(readValue({ boolValue: 'true' })).toBe(false);
    // int64 arrives as a decimal string from SDKs (JSON cannot hold every int64 as a number).
    expect(readValue({ intValue: '42' })).toBe(42);
    expect(readValue({ intValue: '-7' })).toBe(-7);
    expect(readValue({ intValue: 42 })).toBe(42);
    expect(readValue({ intValue: 0 })).toBe(0);
    expect(readValue({ doubleValue: 1.5 })).toBe(1.5);
    expect(readValue({ doubleValue: '2.25' })).toBe(2.25);
    expect(readValue({ doubleValue: 0 })).toBe(0);
    // Bytes are kept as OTLP/JSON writes them: base64 text.
    expect(readValue({ bytesValue: 'AQID' })).toBe('AQID');
    expect(readValue(arr(str('a'), { intValue: '1' }, { boolValue: true }))).toEqual(['a', 1, true]);
    expect(readValue(arr())).toEqual([]);
    expect(readValue({ kvlistValue: { values: [kv('x', str('y')), kv('n', { doubleValue: 0.5 })] } })).toEqual({ x: 'y', n: 0.5 });
    expect(readValue({ kvlistValue: {} })).toEqual({});
  });

  it('reads an absent, null or empty AnyValue as null', () => {
    expect(attributes([{ key: 'a' }])).toEqual({ a: null });
    expect(readValue(null)).toBeNull();
    expect(readValue({})).toBeNull();
    // An AnyValue that is an array holds no known kind.
    expect(readValue([])).toBeNull();
  });

  it('takes the first kind present in the order string, bool, int, double, array, kvlist, bytes', () => {
    expect(readValue({ stringValue: 's', boolValue: true })).toBe('s');
    expect(readValue({ boolValue: false, intValue: 3 })).toBe(false);
    expect(readValue({ intValue: 3, doubleValue: 4.5 })).toBe(3);
    expect(readValue({ doubleValue: 4.5, arrayValue: { values: [] } })).toBe(4.5);
    expect(readValue({ arrayValue: { values: [] }, kvlistValue: { values: [] } })).toEqual([]);
    expect(readValue({ kvlistValue: { values: [] }, bytesValue: 'AQID' })).toEqual({});
  });

  it('keeps a key named __proto__ as an attribute, in an object without a prototype', () => {
    const read = attributes([kv('__proto__', str('value')), kv('toString', str('t'))]);
    expect(Object.getPrototypeOf(read)).toBeNull();
    expect(Object.entries(read)).toEqual([
      ['__proto__', 'value'],
      ['toString', 't'],
    ]);
  });

  it('reads a missing key as the empty key, a missing list as no attributes, and a later duplicate key over an earlier one', () => {
    expect(attributes([{ value: str('v') }])).toEqual({ '': 'v' });
    expect(attributes(undefined)).toEqual({});
    expect(attributes(null)).toEqual({});
    expect(attributes([kv('a', str('1')), kv('a', str('2'))])).toEqual({ a: '2' });
  });

  it('refuses values that break the protocol, each with its reason', () => {
    expect(refusal(() => readValue('text'))).toBe('decode: an attribute value is not an AnyValue object');
    expect(refusal(() => readValue(5))).toBe('decode: an attribute value is not an AnyValue object');
    expect(refusal(() => readValue({ stringValue: 5 }))).toBe('decode: expected a string');
    expect(refusal(() => readValue({ intValue: 'forty' }))).toBe('decode: expected a number');
    // An empty or blank string is not 0.
    expect(refusal(() => readValue({ intValue: '' }))).toBe('decode: expected a number');
    expect(refusal(() => readValue({ intValue: '  ' }))).toBe('decode: expected a number');
    expect(refusal(() => readValue({ intValue: true }))).toBe('decode: expected a number');
    // An attribute must fit a row: no NaN or infinity, as numbers or as the JSON strings.
    expect(refusal(() => readValue({ doubleValue: Number.NaN }))).toBe('decode: expected a number');
    expect(refusal(() => readValue({ doubleValue: Number.POSITIVE_INFINITY }))).toBe('decode: expected a number');
    expect(refusal(() => readValue({ doubleValue: 'Infinity' }))).toBe('decode: expected a number');
    expect(refusal(() => readValue({ doubleValue: 'NaN' }))).toBe('decode: expected a number');
    expect(refusal(() => attributes([kv(5 as unknown as string, str('v'))]))).toBe('decode: expected a string');
    expect(refusal(() => attributes(['k']))).toBe('decode: expected an object around "key"');
    expect(refusal(() => attributes({ key: 'a' }))).toBe('decode: expected an array');
    expect(refusal(() => readValue({ arrayValue: { values: {} } }))).toBe('decode: expected an array');
    expect(refusal(() => readValue({ arrayValue: [str('a')] }))).toBe('decode: expected an object around "values"');
  });
});

describe('attributes(): limits', () => {
  it('takes 128 attributes of one item and refuses 129', () => {
    expect(Object.keys(attributes(manyAttributes(128)))).toHaveLength(128);
    expect(refusal(() => attributes(manyAttributes(129)))).toBe('limit: more than 128 attributes of one item');
  });

  it('takes 128 values of one array or key-value list and refuses 129', () => {
    expect(readValue(arr(...Array.from({ length: 128 }, () => str('v'))))).toHaveLength(128);
    expect(refusal(() => readValue(arr(...Array.from({ length: 129 }, () => str('v')))))).toBe(
      'limit: more than 128 values of one attribute',
    );
    expect(Object.keys(readValue({ kvlistValue: { values: manyAttributes(128) } }) as object)).toHaveLength(128);
    expect(refusal(() => readValue({ kvlistValue: { values: manyAttributes(129) } }))).toBe('limit: more than 128 values of one attribute');
    // Below the top level a list of attributes is a key-value-list value, counted as one.
    expect(refusal(() => attributes(manyAttributes(129), 1))).toBe('limit: more than 128 values of one attribute');
  });

  it('reads values held by 7 arrays or key-value lists and refuses one held by 8', () => {
    expect(readValue(nestedArrays(7, str('deep')))).toEqual([[[[[[['deep']]]]]]]);
    expect(refusal(() => readValue(nestedArrays(8, str('deep'))))).toBe('limit: attribute values nested more than 8 deep');
    expect(readValue(nestedLists(7, { intValue: 1 }))).toEqual({ in: { in: { in: { in: { in: { in: { in: 1 } } } } } } });
    expect(refusal(() => readValue(nestedLists(8, { intValue: 1 })))).toBe('limit: attribute values nested more than 8 deep');
    // Eight arrays whose innermost is empty hold no value at the ninth level.
    expect(readValue(nestedArrays(8, undefined))).toEqual([[[[[[[[null]]]]]]]]);
    // Depth counts from where attributes() is asked to start.
    expect(refusal(() => attributes([kv('a', nestedArrays(1, str('x')))], 7))).toBe('limit: attribute values nested more than 8 deep');
    expect(attributes([kv('a', str('x'))], 7)).toEqual({ a: 'x' });
  });
});

describe('text(), field(), list()', () => {
  it('text: a string as is, absent as empty, anything else refused', () => {
    expect(text('abc')).toBe('abc');
    expect(text(undefined)).toBe('');
    expect(text(null)).toBe('');
    expect(refusal(() => text(1))).toBe('decode: expected a string');
    expect(refusal(() => text({}))).toBe('decode: expected a string');
  });

  it('field: a property of an object, nothing from an absent one, refused around anything else', () => {
    expect(field({ a: 1 }, 'a')).toBe(1);
    expect(field({ a: 1 }, 'b')).toBeUndefined();
    expect(field(undefined, 'a')).toBeUndefined();
    expect(field(null, 'a')).toBeUndefined();
    expect(refusal(() => field('text', 'a'))).toBe('decode: expected an object around "a"');
    expect(refusal(() => field([1], 'a'))).toBe('decode: expected an object around "a"');
    expect(refusal(() => field(3, 'a'))).toBe('decode: expected an object around "a"');
  });

  it('list: an array as is, absent as empty, anything else refused', () => {
    const items = [1, 2];
    expect(list(items)).toBe(items);
    expect(list(undefined)).toEqual([]);
    expect(list(null)).toEqual([]);
    expect(refusal(() => list({ length: 1 }))).toBe('decode: expected an array');
    expect(refusal(() => list('ab'))).toBe('decode: expected an array');
  });
});

describe('nanos()', () => {
  it('reads decimal strings of up to 20 digits and safe non-negative integers, exactly', () => {
    expect(nanos(undefined)).toBe(0n);
    expect(nanos(null)).toBe(0n);
    expect(nanos(0)).toBe(0n);
    expect(nanos('0')).toBe(0n);
    // Past 2^53: only a string carries every digit.
    expect(nanos('1700000000123456789')).toBe(1_700_000_000_123_456_789n);
    expect(nanos(1_700_000_000_123)).toBe(1_700_000_000_123n);
    expect(nanos(Number.MAX_SAFE_INTEGER)).toBe(9_007_199_254_740_991n);
    expect(nanos('00000000000000000001')).toBe(1n);
  });

  it('takes the last nanosecond before 2200 and refuses 2200 itself', () => {
    expect(nanos((LATEST_NANOS - 1n).toString())).toBe(7_258_118_399_999_999_999n);
    expect(refusal(() => nanos(LATEST_NANOS.toString()))).toBe('decode: a time (7258118400000000000 ns) lies after the year 2200');
    expect(refusal(() => nanos('99999999999999999999'))).toBe('decode: a time (99999999999999999999 ns) lies after the year 2200');
  });

  it('refuses negative, fractional, unsafe, non-decimal and over-long times', () => {
    for (const bad of [
      -1,
      '-1',
      1.5,
      '1.5',
      Number.MAX_SAFE_INTEGER + 1,
      Number.NaN,
      '',
      ' 1',
      '1 ',
      'a1',
      '1a',
      '1e9',
      '0x10',
      '000000000000000000001',
      true,
      {},
    ]) {
      expect(
        refusal(() => nanos(bad)),
        String(bad),
      ).toBe('decode: expected a time in unix nanoseconds');
    }
  });
});

describe('id()', () => {
  it('reads hex ids as lowercase and base64 ids as hex; an absent id is empty', () => {
    expect(id('0123456789ABCDEF', 'hex', 8)).toBe('0123456789abcdef');
    expect(id(TRACE_ID, 'hex', 16)).toBe(TRACE_ID);
    expect(id(Buffer.from(SPAN_ID, 'hex').toString('base64'), 'base64', 8)).toBe(SPAN_ID);
    expect(id('', 'hex', 8)).toBe('');
    expect(id(undefined, 'base64', 16)).toBe('');
  });

  it('refuses ids of another size or with characters that are not hex', () => {
    expect(refusal(() => id('0123456789abcde', 'hex', 8))).toBe('decode: an id is not 8 bytes');
    expect(refusal(() => id('0123456789abcdef0', 'hex', 8))).toBe('decode: an id is not 8 bytes');
    expect(refusal(() => id('0123456789abcdef', 'hex', 16))).toBe('decode: an id is not 16 bytes');
    expect(refusal(() => id('g123456789abcdef', 'hex', 8))).toBe('decode: an id is not 8 bytes');
    expect(refusal(() => id('0123456789abcdeg', 'hex', 8))).toBe('decode: an id is not 8 bytes');
    expect(refusal(() => id(Buffer.alloc(7).toString('base64'), 'base64', 8))).toBe('decode: an id is not 8 bytes');
    expect(refusal(() => id(12, 'hex', 8))).toBe('decode: expected a string');
  });
});

describe('decodeTraces()', () => {
  const span = (fields: Record<string, unknown> = {}) => ({ traceId: TRACE_ID, spanId: SPAN_ID, ...fields });
  const request = (...spans: unknown[]) => ({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
  const onlySpan = (body: unknown) => decodeTraces(body, 'json')[0]!.scopes[0]!.spans[0]!;

  it('reads every field of an OTLP/JSON request', () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [kv('service.name', str('portfolio-web'))] },
          scopeSpans: [
            {
              scope: { name: 'footfall-test', version: '1.0.0', attributes: [kv('scope.attribute', str('not kept'))] },
              spans: [
                {
                  traceId: TRACE_ID.toUpperCase(),
                  spanId: SPAN_ID.toUpperCase(),
                  parentSpanId: '0011223344556677',
                  traceState: 'vendor=1',
                  name: 'page_view',
                  kind: 3,
                  startTimeUnixNano: '1700000000123456789',
                  endTimeUnixNano: 1_700_000_000_223,
                  attributes: [kv('url.path', str('/room')), kv('count', { intValue: '3' })],
                  events: [{ timeUnixNano: '1700000000150000000', name: 'clicked', attributes: [kv('where', str('desk'))] }],
                  links: [{ traceId: TRACE_ID, spanId: '1111111111111111', traceState: 'l=1', attributes: [kv('why', str('follows'))] }],
                  status: { code: 2, message: 'failed' },
                },
              ],
            },
          ],
        },
      ],
    };
    expect(decodeTraces(body, 'json')).toEqual([
      {
        resource: { 'service.name': 'portfolio-web' },
        scopes: [
          {
            scope: { name: 'footfall-test', version: '1.0.0' },
            spans: [
              {
                traceId: TRACE_ID,
                spanId: SPAN_ID,
                parentSpanId: '0011223344556677',
                traceState: 'vendor=1',
                name: 'page_view',
                kind: 3,
                startNs: 1_700_000_000_123_456_789n,
                endNs: 1_700_000_000_223n,
                attributes: { 'url.path': '/room', count: 3 },
                events: [{ timeNs: 1_700_000_000_150_000_000n, name: 'clicked', attributes: { where: 'desk' } }],
                links: [{ traceId: TRACE_ID, spanId: '1111111111111111', traceState: 'l=1', attributes: { why: 'follows' } }],
                statusCode: 2,
                statusMessage: 'failed',
              },
            ],
          },
        ],
      },
    ]);
  });

  it('fills in what a span leaves out, and reads a kind or status code sent as a decimal string', () => {
    expect(onlySpan(request(span()))).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      parentSpanId: '',
      traceState: '',
      name: '',
      kind: 0,
      startNs: 0n,
      endNs: 0n,
      attributes: {},
      events: [],
      links: [],
      statusCode: 0,
      statusMessage: '',
    });
    const read = onlySpan(request(span({ kind: '2', status: { code: '1' } })));
    expect([read.kind, read.statusCode]).toEqual([2, 1]);
    expect(decodeTraces({ resourceSpans: [{}] }, 'json')).toEqual([{ resource: {}, scopes: [] }]);
    expect(decodeTraces({ resourceSpans: [{ scopeSpans: [{}] }] }, 'json')).toEqual([
      { resource: {}, scopes: [{ scope: { name: '', version: '' }, spans: [] }] },
    ]);
    expect(decodeTraces(null, 'json')).toEqual([]);
    expect(decodeTraces({}, 'json')).toEqual([]);
  });

  it('refuses a span without a trace id or without a span id, and fields of the wrong type', () => {
    expect(refusal(() => decodeTraces(request({ spanId: SPAN_ID }), 'json'))).toBe('decode: a span has no trace id or span id');
    expect(refusal(() => decodeTraces(request({ traceId: TRACE_ID }), 'json'))).toBe('decode: a span has no trace id or span id');
    expect(refusal(() => decodeTraces(request(span({ kind: 1.5 })), 'json'))).toBe('decode: expected an integer');
    expect(refusal(() => decodeTraces(request(span({ status: { code: 'x' } })), 'json'))).toBe('decode: expected a number');
    expect(refusal(() => decodeTraces(request(span({ parentSpanId: 'abc' })), 'json'))).toBe('decode: an id is not 8 bytes');
    expect(refusal(() => decodeTraces(request(span({ links: [{ traceId: 'abc' }] })), 'json'))).toBe('decode: an id is not 16 bytes');
    expect(refusal(() => decodeTraces(request(span({ events: [{ timeUnixNano: -1 }] })), 'json'))).toBe(
      'decode: expected a time in unix nanoseconds',
    );
    expect(refusal(() => decodeTraces('text', 'json'))).toBe('decode: expected an object around "resourceSpans"');
    expect(refusal(() => decodeTraces({ resourceSpans: {} }, 'json'))).toBe('decode: expected an array');
  });

  it('takes 128 events and 128 links of one span and refuses 129', () => {
    const events = (count: number) => Array.from({ length: count }, () => ({ name: 'e' }));
    const links = (count: number) => Array.from({ length: count }, () => ({ traceId: TRACE_ID, spanId: SPAN_ID }));
    expect(onlySpan(request(span({ events: events(128) }))).events).toHaveLength(128);
    expect(refusal(() => decodeTraces(request(span({ events: events(129) })), 'json'))).toBe('limit: more than 128 events of one span');
    expect(onlySpan(request(span({ links: links(128) }))).links).toHaveLength(128);
    expect(refusal(() => decodeTraces(request(span({ links: links(129) })), 'json'))).toBe('limit: more than 128 links of one span');
  });

  it('takes 10,000 spans in one request and refuses 10,001, counted across scopes and resources', () => {
    const spans = (count: number) => Array.from({ length: count }, () => span());
    const body = (second: number) => ({
      resourceSpans: [{ scopeSpans: [{ spans: spans(5000) }] }, { scopeSpans: [{ spans: spans(4000) }, { spans: spans(second) }] }],
    });
    const read = decodeTraces(body(1000), 'json');
    expect(read.flatMap((resource) => resource.scopes.map((scope) => scope.spans.length))).toEqual([5000, 4000, 1000]);
    expect(refusal(() => decodeTraces(body(1001), 'json'))).toBe('limit: more than 10000 spans in one request');
  });

  it('reads a protobuf body with the hand-written reader, after the limits are checked on its wire format', () => {
    const body = tracesBody(
      makeSpans([{ name: 'page_view', attributes: { 'url.path': '/room', 'portfolio.event.type': 'page_view' } }]),
      'protobuf',
    );
    const [resource] = decodeTraces(body, 'protobuf');
    expect(resource!.resource['service.name']).toBe('portfolio-web');
    expect(resource!.scopes[0]!.scope).toEqual({ name: 'footfall-test', version: '1.0.0' });
    expect(resource!.scopes[0]!.spans.map((read) => [read.name, read.attributes])).toEqual([
      ['page_view', { 'url.path': '/room', 'portfolio.event.type': 'page_view' }],
    ]);
    // The wire-format check names the item ("span"); the reader, were it reached, would say "item".
    const attribute = message(9, message(1, 'k'), message(2, message(1, 'v')));
    const spanBody = message(
      1,
      message(2, message(2, message(1, Buffer.alloc(16, 1)), message(2, Buffer.alloc(8, 2)), repeat(attribute, 129))),
    );
    expect(refusal(() => decodeTraces(spanBody, 'protobuf'))).toBe('limit: more than 128 attributes of one span');
    expect(refusal(() => decodeTraces(Buffer.from([0x0a, 0x05, 0x12]), 'protobuf'))).toBe(
      'decode: invalid protobuf: the body ends inside a field',
    );
  });
});

describe('decodeMetrics()', () => {
  const TIMES = { startTimeUnixNano: '1700000000000000000', timeUnixNano: '1700000060000000000' };
  const point = { attributes: {}, startNs: 0n, timeNs: 0n, value: 0, count: 0, sum: 0, bucketCounts: [], explicitBounds: [] };
  const metricsOf = (...metrics: unknown[]) =>
    decodeMetrics({ resourceMetrics: [{ scopeMetrics: [{ metrics }] }] }, 'json')[0]!.scopes[0]!.metrics;

  it('reads sums, gauges, histograms and exponential histograms; drops summaries', () => {
    const body = {
      resourceMetrics: [
        {
          resource: { attributes: [kv('service.name', str('portfolio-web'))] },
          scopeMetrics: [
            {
              scope: { name: 'footfall-test', version: '2.0.0' },
              metrics: [
                {
                  name: 'portfolio.events',
                  sum: {
                    aggregationTemporality: 1,
                    isMonotonic: true,
                    dataPoints: [{ attributes: [kv('portfolio.event.type', str('page_view'))], ...TIMES, asInt: '5' }],
                  },
                },
                { name: 'queue.depth', sum: { aggregationTemporality: '2', dataPoints: [{ asDouble: -2.5 }] } },
                { name: 'summary', summary: { dataPoints: [{ count: '1', sum: 2 }] } },
                { name: 'memory', gauge: { dataPoints: [{ asInt: 7, ...TIMES }] } },
                {
                  name: 'portfolio.web_vital.lcp',
                  histogram: {
                    aggregationTemporality: 1,
                    dataPoints: [{ ...TIMES, count: '3', sum: 3702.5, bucketCounts: ['1', 2, '0'], explicitBounds: [1000, '2500'] }],
                  },
                },
                {
                  name: 'exponential',
                  exponentialHistogram: { aggregationTemporality: 2, dataPoints: [{ count: 4, sum: '12', scale: 3 }] },
                },
                { name: 'nothing' },
              ],
            },
          ],
        },
      ],
    };
    expect(decodeMetrics(body, 'json')).toEqual([
      {
        resource: { 'service.name': 'portfolio-web' },
        scopes: [
          {
            scope: { name: 'footfall-test', version: '2.0.0' },
            metrics: [
              {
                name: 'portfolio.events',
                kind: 'sum',
                temporality: 1,
                monotonic: true,
                points: [
                  {
                    ...point,
                    attributes: { 'portfolio.event.type': 'page_view' },
                    startNs: 1_700_000_000_000_000_000n,
                    timeNs: 1_700_000_060_000_000_000n,
                    value: 5,
                  },
                ],
              },
              { name: 'queue.depth', kind: 'sum', temporality: 2, monotonic: false, points: [{ ...point, value: -2.5 }] },
              {
                name: 'memory',
                kind: 'gauge',
                temporality: 0,
                monotonic: false,
                points: [{ ...point, startNs: 1_700_000_000_000_000_000n, timeNs: 1_700_000_060_000_000_000n, value: 7 }],
              },
              {
                name: 'portfolio.web_vital.lcp',
                kind: 'histogram',
                temporality: 1,
                monotonic: false,
                points: [
                  {
                    ...point,
                    startNs: 1_700_000_000_000_000_000n,
                    timeNs: 1_700_000_060_000_000_000n,
                    count: 3,
                    sum: 3702.5,
                    bucketCounts: [1, 2, 0],
                    explicitBounds: [1000, 2500],
                  },
                ],
              },
              { name: 'exponential', kind: 'histogram', temporality: 2, monotonic: false, points: [{ ...point, count: 4, sum: 12 }] },
            ],
          },
        ],
      },
    ]);
  });

  it('reads asDouble over asInt, NaN and the infinities as the JSON strings, and no value as 0', () => {
    const values = metricsOf({
      name: 'g',
      gauge: {
        dataPoints: [
          { asInt: 3, asDouble: 0 },
          { asInt: '9007199254740993' },
          { asDouble: 'NaN' },
          { asDouble: 'Infinity' },
          { asDouble: '-Infinity' },
          { asDouble: Number.NaN },
          { asDouble: '0.125' },
          {},
        ],
      },
    })[0]!.points.map((read) => read.value);
    expect(values).toEqual([0, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 0.125, 0]);
  });

  it('refuses an int value that is not a finite number, and a double that is neither a number nor NaN or an infinity', () => {
    const gauge = (dataPoint: unknown) => () => metricsOf({ name: 'g', gauge: { dataPoints: [dataPoint] } });
    expect(refusal(gauge({ asInt: 'NaN' }))).toBe('decode: expected a number');
    expect(refusal(gauge({ asInt: Number.POSITIVE_INFINITY }))).toBe('decode: expected a number');
    expect(refusal(gauge({ asDouble: 'nan' }))).toBe('decode: expected a number');
    expect(refusal(gauge({ asDouble: '-infinity' }))).toBe('decode: expected a number');
    expect(refusal(gauge({ asDouble: true }))).toBe('decode: expected a number');
  });

  it('counts only isMonotonic true as monotonic, and a gauge as neither monotonic nor with a temporality', () => {
    const read = metricsOf(
      { name: 'a', sum: { isMonotonic: true } },
      { name: 'b', sum: { isMonotonic: 'true', aggregationTemporality: 1 } },
      { name: 'c', sum: {} },
      { name: 'd', gauge: { isMonotonic: true, aggregationTemporality: 2 } },
    );
    expect(read.map(({ name, kind, temporality, monotonic }) => [name, kind, temporality, monotonic])).toEqual([
      ['a', 'sum', 0, true],
      ['b', 'sum', 1, false],
      ['c', 'sum', 0, false],
      ['d', 'gauge', 0, false],
    ]);
    expect(refusal(() => metricsOf({ name: 'h', histogram: { aggregationTemporality: 1.5 } }))).toBe('decode: expected an integer');
  });

  it('takes the first data kind a metric has, in the order sum, gauge, histogram, exponential histogram', () => {
    const points = (value: number) => ({ dataPoints: [{ asInt: value, count: value }] });
    const read = metricsOf(
      { name: 'sum first', gauge: points(2), sum: points(1) },
      { name: 'gauge first', histogram: points(3), gauge: points(2) },
      { name: 'histogram first', exponentialHistogram: points(4), histogram: points(3) },
    );
    expect(read.map(({ kind, points: [first] }) => [kind, first!.value, first!.count])).toEqual([
      ['sum', 1, 0],
      ['gauge', 2, 0],
      ['histogram', 0, 3],
    ]);
  });

  it('reads histogram counts as whole numbers from 0 to 2^53 and refuses any other', () => {
    const histogram = (dataPoint: unknown) => metricsOf({ name: 'h', histogram: { dataPoints: [dataPoint] } })[0]!.points[0]!;
    expect(histogram({ count: Number.MAX_SAFE_INTEGER, bucketCounts: ['9007199254740991', 0] })).toEqual({
      ...point,
      count: Number.MAX_SAFE_INTEGER,
      bucketCounts: [Number.MAX_SAFE_INTEGER, 0],
    });
    expect(histogram({ sum: 'NaN', explicitBounds: ['-Infinity', Number.NaN] })).toEqual({
      ...point,
      sum: Number.NaN,
      explicitBounds: [Number.NEGATIVE_INFINITY, Number.NaN],
    });
    const message = 'decode: expected a count (a whole number from 0 to 2^53)';
    for (const bad of [-1, '-1', 1.5, 2 ** 53, '9007199254740992']) {
      expect(
        refusal(() => histogram({ count: bad })),
        String(bad),
      ).toBe(message);
      expect(
        refusal(() => histogram({ bucketCounts: [bad] })),
        String(bad),
      ).toBe(message);
    }
  });

  it('takes 10,000 data points in one request and refuses 10,001, counted across metrics of every kind', () => {
    const dataPoints = (count: number) => ({ dataPoints: Array.from({ length: count }, () => ({})) });
    const metrics = (last: number) => [
      { name: 's', sum: dataPoints(2500) },
      { name: 'g', gauge: dataPoints(2500) },
      { name: 'h', histogram: dataPoints(2500) },
      { name: 'e', exponentialHistogram: dataPoints(last) },
    ];
    expect(metricsOf(...metrics(2500)).map((metric) => metric.points.length)).toEqual([2500, 2500, 2500, 2500]);
    expect(refusal(() => metricsOf(...metrics(2501)))).toBe('limit: more than 10000 data points in one request');
  });

  it('reads the SDK protobuf body as the same data as its JSON body', async () => {
    const counts = [
      { type: 'page_view', value: 2 },
      { type: 'object_click', object: 'guitar', value: 1 },
    ];
    const fromProtobuf = decodeMetrics(await metricsBody(counts, 'protobuf'), 'protobuf');
    const fromJson = decodeMetrics(JSON.parse((await metricsBody(counts, 'json')).toString('utf8')), 'json');
    // Times differ between the two collections; everything else is the same.
    const withoutTimes = (request: typeof fromJson) =>
      request[0]!.scopes[0]!.metrics.map(({ points, ...metric }) => ({
        ...metric,
        points: points.map(({ startNs, timeNs, ...rest }) => ({ ...rest, timed: startNs > 0n && timeNs >= startNs })),
      }));
    expect(withoutTimes(fromProtobuf)).toEqual(withoutTimes(fromJson));
    expect(withoutTimes(fromProtobuf)).toEqual([
      {
        name: 'portfolio.events',
        kind: 'sum',
        temporality: 1,
        monotonic: true,
        points: [
          { ...point, attributes: { 'portfolio.event.type': 'page_view' }, value: 2, timed: true },
          { ...point, attributes: { 'portfolio.event.type': 'object_click', 'portfolio.object.id': 'guitar' }, value: 1, timed: true },
        ].map(({ startNs, timeNs, ...rest }) => rest),
      },
      {
        name: 'portfolio.web_vital.lcp',
        kind: 'histogram',
        temporality: 1,
        monotonic: false,
        points: [
          {
            attributes: { 'url.path': '/room' },
            value: 0,
            count: 1,
            sum: 1234,
            bucketCounts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
            explicitBounds: [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000],
            timed: true,
          },
        ],
      },
    ]);
    expect(fromProtobuf[0]!.resource['service.name']).toBe('portfolio-web');
  });

  it('checks a protobuf body against the limits on its wire format, and refuses one protobufjs cannot decode', () => {
    const attribute = message(7, message(1, 'k'), message(2, message(1, 'v')));
    const sum = (attributes: number) =>
      message(1, message(2, message(2, message(1, 'm'), message(7, message(1, repeat(attribute, attributes))))));
    expect(decodeMetrics(sum(128), 'protobuf')[0]!.scopes[0]!.metrics[0]!.points[0]!.attributes).toEqual({ k: 'v' });
    // The wire-format check names the item ("data point"); the JSON reader, were it reached, would say "item".
    expect(refusal(() => decodeMetrics(sum(129), 'protobuf'))).toBe('limit: more than 128 attributes of one data point');
    expect(refusal(() => decodeMetrics(Buffer.from([0x0a, 0x05, 0x12]), 'protobuf'))).toBe('decode: invalid protobuf: index out of range');
  });

  it('answers with the OTLP response messages of each signal', () => {
    expect([TraceResponse.fullName, MetricsResponse.fullName]).toEqual([
      '.otlp.ExportTraceServiceResponse',
      '.otlp.ExportMetricsServiceResponse',
    ]);
  });
});
