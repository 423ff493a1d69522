import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkJsonLimits } from '../src/otlp/json-limits.js';
import { OtlpLimitError } from '../src/otlp/limits.js';
import { testApp } from './support/test-app.js';

// The scan of OTLP/JSON text against OTLP_LIMITS before it is parsed (src/otlp/json-limits.ts):
// each limit at its edge and one past it, in every message that has it; what the decoder does not
// read is not counted; and over HTTP, a body over a limit is refused as such before the parser
// sees it, even when the text after the limit is not JSON at all.

type Request = 'traces' | 'metrics' | 'logs';

/** Checks a body; returns 'accepted', or the refusal as `limit: <message>`. */
function checked(body: unknown, request: Request = 'traces'): string {
  const text = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  try {
    checkJsonLimits(text, request);
    return 'accepted';
  } catch (error) {
    if (error instanceof OtlpLimitError) return `limit: ${error.message}`;
    throw error;
  }
}

const keyValues = (count: number) => Array.from({ length: count }, (_, index) => ({ key: `k${index}`, value: { stringValue: 'v' } }));
const times = <T>(count: number, item: T): T[] => Array.from({ length: count }, () => item);

const traces = (spans: unknown[], resource: unknown = {}, scope: unknown = {}) => ({
  resourceSpans: [{ resource, scopeSpans: [{ scope, spans }] }],
});
const metric = (kind: string, dataPoints: unknown[]) => ({
  resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', [kind]: { dataPoints } }] }] }],
});
const logs = (logRecords: unknown[], scope: unknown = {}) => ({ resourceLogs: [{ scopeLogs: [{ scope, logRecords }] }] });

/** An AnyValue `levels` AnyValues deep: strings inside array values, alternating with key-value lists. */
function nested(levels: number): unknown {
  let value: unknown = { stringValue: 'bottom' };
  for (let level = 1; level < levels; level++) {
    value = level % 2 === 0 ? { arrayValue: { values: [value] } } : { kvlistValue: { values: [{ key: 'k', value }] } };
  }
  return value;
}

describe('checkJsonLimits(): traces', () => {
  it('takes 128 attributes of each item and refuses 129, naming the item', () => {
    const items: Array<[string, (count: number) => unknown]> = [
      ['span', (count) => traces([{ attributes: keyValues(count) }])],
      ['span event', (count) => traces([{ events: [{ attributes: keyValues(count) }] }])],
      ['span link', (count) => traces([{ links: [{ attributes: keyValues(count) }] }])],
      ['resource', (count) => traces([], { attributes: keyValues(count) })],
      ['instrumentation scope', (count) => traces([], {}, { attributes: keyValues(count) })],
    ];
    for (const [item, body] of items) {
      expect(checked(body(128)), item).toBe('accepted');
      expect(checked(body(129)), item).toBe(`limit: more than 128 attributes of one ${item}`);
    }
  });

  it('takes 128 events and 128 links of one span and refuses 129', () => {
    expect(checked(traces([{ events: times(128, {}) }]))).toBe('accepted');
    expect(checked(traces([{ events: times(129, {}) }]))).toBe('limit: more than 128 events of one span');
    expect(checked(traces([{ links: times(128, {}) }]))).toBe('accepted');
    expect(checked(traces([{ links: times(129, {}) }]))).toBe('limit: more than 128 links of one span');
  });

  it('takes 10,000 spans in one request, across lists, and refuses 10,001', () => {
    const split = (first: number, second: number) => ({
      resourceSpans: [{ scopeSpans: [{ spans: times(first, {}) }] }, { scopeSpans: [{ spans: times(second, {}) }] }],
    });
    expect(checked(split(5000, 5000))).toBe('accepted');
    expect(checked(split(5000, 5001))).toBe('limit: more than 10000 spans in one request');
  });

  it('takes values of 128 items and values nested 8 deep, refuses 129 items and 9 deep', () => {
    const withValue = (value: unknown) => traces([{ attributes: [{ key: 'v', value }] }]);
    const array = (count: number) => ({ arrayValue: { values: times(count, { intValue: 1 }) } });
    const list = (count: number) => ({ kvlistValue: { values: keyValues(count) } });
    expect(checked(withValue(array(128)))).toBe('accepted');
    expect(checked(withValue(array(129)))).toBe('limit: more than 128 values of one attribute');
    expect(checked(withValue(list(128)))).toBe('accepted');
    expect(checked(withValue(list(129)))).toBe('limit: more than 128 values of one attribute');
    expect(checked(withValue(nested(8)))).toBe('accepted');
    expect(checked(withValue(nested(9)))).toBe('limit: attribute values nested more than 8 deep');
  });

  it('reads keys as the parser does: escaped, spaced, in any order, beside scalars of every kind', () => {
    const escaped = JSON.stringify(traces([{ attributes: keyValues(129) }])).replace('"attributes"', '"attr\\u0069butes"');
    expect(checked(escaped)).toBe('limit: more than 128 attributes of one span');
    const spaced = JSON.stringify(
      traces([{ name: 'a "quoted" \\ name', kind: 2, ok: true, none: null, n: -1.5e3, attributes: keyValues(129) }]),
      null,
      2,
    );
    expect(checked(spaced)).toBe('limit: more than 128 attributes of one span');
    expect(checked(`\ufeff${JSON.stringify(traces([{ attributes: keyValues(129) }]))}`)).toBe(
      'limit: more than 128 attributes of one span',
    );
  });

  it('does not count what the decoder does not read: unknown fields, other names, values of another shape', () => {
    expect(checked({ resourceSpans: [{ other: { attributes: keyValues(129) } }] })).toBe('accepted');
    expect(checked(traces([{ attributes: [{ key: 'attributes', value: { stringValue: 'x' } }], extra: times(200, [1, [2]]) }]))).toBe(
      'accepted',
    );
    // snake_case names are not OTLP/JSON: the decoder reads none of them.
    expect(checked(traces([{ dropped_attributes: keyValues(129), attributes_count: 129 }]))).toBe('accepted');
    // A list where an object belongs (and the other way round) is the decoder's to refuse.
    expect(checked({ resourceSpans: { scopeSpans: [{ spans: times(10_001, {}) }] } })).toBe('accepted');
    // Another request's lists are not this request's: a metrics body's data points in a traces request.
    expect(checked(metric('sum', times(10_001, {})), 'traces')).toBe('accepted');
  });

  it('leaves text that is not JSON to the parser, and refuses a limit passed before it', () => {
    for (const text of [
      '',
      'null',
      '[1,2]',
      '{"resourceSpans": [',
      '{"resourceSpans" [] }',
      '{"a": tru',
      '{"a": "open',
      '{,}',
      '{"a":1 "b":2}',
    ]) {
      expect(checked(text), text).toBe('accepted');
    }
    const over = JSON.stringify(traces([{ attributes: keyValues(129) }]));
    expect(checked(`${over.slice(0, over.length - 10)} not JSON`)).toBe('limit: more than 128 attributes of one span');
  });
});

describe('checkJsonLimits(): metrics and logs', () => {
  it('takes 128 attributes of a data point of each kind and refuses 129', () => {
    for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram']) {
      expect(checked(metric(kind, [{ attributes: keyValues(128) }]), 'metrics'), kind).toBe('accepted');
      expect(checked(metric(kind, [{ attributes: keyValues(129) }]), 'metrics'), kind).toBe(
        'limit: more than 128 attributes of one data point',
      );
    }
    // Summaries are not read.
    expect(checked(metric('summary', [{ attributes: keyValues(129) }]), 'metrics')).toBe('accepted');
  });

  it('takes 10,000 data points in one request and refuses 10,001', () => {
    const two = (first: number, second: number) => ({
      resourceMetrics: [
        { scopeMetrics: [{ metrics: [{ gauge: { dataPoints: times(first, {}) } }, { histogram: { dataPoints: times(second, {}) } }] }] },
      ],
    });
    expect(checked(two(4000, 6000), 'metrics')).toBe('accepted');
    expect(checked(two(4000, 6001), 'metrics')).toBe('limit: more than 10000 data points in one request');
  });

  it('takes 128 attributes of a log record and of its scope, 10,000 records, a body 8 deep, and refuses one more', () => {
    expect(checked(logs([{ attributes: keyValues(128) }]), 'logs')).toBe('accepted');
    expect(checked(logs([{ attributes: keyValues(129) }]), 'logs')).toBe('limit: more than 128 attributes of one log record');
    expect(checked(logs([], { attributes: keyValues(129) }), 'logs')).toBe('limit: more than 128 attributes of one instrumentation scope');
    expect(checked(logs(times(10_000, {})), 'logs')).toBe('accepted');
    expect(checked(logs(times(10_001, {})), 'logs')).toBe('limit: more than 10000 log records in one request');
    expect(checked(logs([{ body: nested(8) }]), 'logs')).toBe('accepted');
    expect(checked(logs([{ body: nested(9) }]), 'logs')).toBe('limit: attribute values nested more than 8 deep');
  });
});

describe('OTLP/JSON over a limit, over HTTP', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (url: string, body: Buffer, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: body });

  it('refuses a 9 MB request of one span with 200,000 attributes (gzip) with 400 FOOTFALL_OTLP_LIMIT naming the limit', async () => {
    const text = Buffer.from(
      JSON.stringify(traces([{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), attributes: keyValues(200_000) }])),
    );
    expect(text.length).toBeGreaterThan(8_000_000);
    const response = await post('/v1/traces', gzipSync(text), { 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'FOOTFALL_OTLP_LIMIT',
      message: expect.stringContaining('the OTLP request is over a limit: more than 128 attributes of one span'),
    });
  });

  it('refuses the limit before parsing: a body over it, then text that is not JSON, is refused as over the limit', async () => {
    const cut = (body: unknown) => {
      const text = JSON.stringify(body);
      return Buffer.from(`${text.slice(0, text.length - 5)}, "truncated": tru`);
    };
    const cases: Array<[string, Buffer, string]> = [
      ['/v1/traces', cut(traces([{ attributes: keyValues(129) }])), 'more than 128 attributes of one span'],
      ['/v1/metrics', cut(metric('sum', [{ attributes: keyValues(129) }])), 'more than 128 attributes of one data point'],
      ['/v1/logs', cut(logs([{ attributes: keyValues(129) }])), 'more than 128 attributes of one log record'],
    ];
    for (const [url, body, limit] of cases) {
      const response = await post(url, body);
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toMatchObject({ code: 'FOOTFALL_OTLP_LIMIT', message: expect.stringContaining(limit) });
    }
  });

  it('still answers text that is not JSON, under every limit, with 400 FOOTFALL_BAD_OTLP', async () => {
    const response = await post('/v1/logs', Buffer.from('{"resourceLogs": [{"scopeLogs": [}'));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'FOOTFALL_BAD_OTLP', message: expect.stringContaining('invalid JSON') });
  });
});
