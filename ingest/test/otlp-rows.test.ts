import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/catalog.js';
import { loadConfig } from '../src/config.js';
import type { Attributes } from '../src/otlp/decode.js';
import type { DataPoint, MetricData, ResourceMetricsData } from '../src/otlp/metrics/decode-metrics.js';
import type { ResourceSpansData, SpanData } from '../src/otlp/traces/span-data.js';
import { LATEST_NANOS } from '../src/otlp/decode-error.js';
import { MAX_BROWSER_COUNT_PER_POINT, mapMetricPoints } from '../src/otlp/metrics/metric-rows.js';
import { dateTime64, mapSpans, toStringMap } from '../src/otlp/traces/span-rows.js';

// The mapping of decoded OTLP data to rows (src/otlp/traces/span-rows.ts, metrics/metric-rows.ts), called directly:
// every column of an `otel_traces` and a `metric_points` row for a known input, the analytics event
// a span carries (docs/otlp-mapping.md), the cuts that bound stored text, the
// DateTime64 text ClickHouse reads, and each data point refused alone with its reason.

const TRACE_ID = '0123456789abcdef0123456789abcdef';
const SPAN_ID = 'fedcba9876543210';
/** 2023-11-14 22:13:20 UTC and 123456789 ns. */
const START = 1_700_000_000_123_456_789n;

const catalog = loadCatalog(loadConfig({}).catalogFile);

function spanData(fields: Partial<SpanData> = {}): SpanData {
  return {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    parentSpanId: '',
    traceState: '',
    name: 'span',
    kind: 0,
    startNs: START,
    endNs: START,
    attributes: {},
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
    ...fields,
  };
}

/** The one mapped span of a request holding `span` under `resource`. */
function mapOne(span: SpanData, resource: Attributes = {}) {
  const request: ResourceSpansData[] = [{ resource, scopes: [{ scope: { name: 'scope', version: '1' }, spans: [span] }] }];
  const mapped = mapSpans(request);
  expect(mapped).toHaveLength(1);
  return mapped[0]!;
}

describe('mapSpans(): the otel_traces row', () => {
  it('fills every column from the span, its scope and its resource', () => {
    const resource = { 'service.name': 'portfolio-web', 'host.cores': 8 };
    const span = spanData({
      parentSpanId: '0011223344556677',
      traceState: 'vendor=1',
      name: 'page_view',
      kind: 2,
      endNs: START + 100_000_001n,
      attributes: { 'url.path': '/room', count: 3, flag: true, list: ['a', 1] },
      events: [
        { timeNs: START + 1n, name: 'clicked', attributes: { where: 'desk' } },
        { timeNs: 1_700_000_001_000_000_000n, name: 'left', attributes: {} },
      ],
      links: [{ traceId: TRACE_ID, spanId: '1111111111111111', traceState: 'l=1', attributes: { why: 'follows' } }],
      statusCode: 2,
      statusMessage: 'failed',
    });
    const request: ResourceSpansData[] = [{ resource, scopes: [{ scope: { name: 'footfall-test', version: '2.1.0' }, spans: [span] }] }];
    expect(mapSpans(request)).toEqual([
      {
        row: {
          Timestamp: '2023-11-14 22:13:20.123456789',
          TraceId: TRACE_ID,
          SpanId: SPAN_ID,
          ParentSpanId: '0011223344556677',
          TraceState: 'vendor=1',
          SpanName: 'page_view',
          SpanKind: 'Server',
          ServiceName: 'portfolio-web',
          ResourceAttributes: { 'service.name': 'portfolio-web', 'host.cores': '8' },
          ScopeName: 'footfall-test',
          ScopeVersion: '2.1.0',
          SpanAttributes: { 'url.path': '/room', count: '3', flag: 'true', list: '["a",1]' },
          Duration: '100000001',
          StatusCode: 'Error',
          StatusMessage: 'failed',
          'Events.Timestamp': ['2023-11-14 22:13:20.123456790', '2023-11-14 22:13:21.000000000'],
          'Events.Name': ['clicked', 'left'],
          'Events.Attributes': [{ where: 'desk' }, {}],
          'Links.TraceId': [TRACE_ID],
          'Links.SpanId': ['1111111111111111'],
          'Links.TraceState': ['l=1'],
          'Links.Attributes': [{ why: 'follows' }],
        },
        event: undefined,
        userAgent: undefined,
        // Neither a page's origin nor a standard instrumentation's span: nothing to find a site by.
        origin: undefined,
        standard: false,
      },
    ]);
  });

  it('maps every span of every scope and resource, in order', () => {
    const request: ResourceSpansData[] = [
      {
        resource: { 'service.name': 'a' },
        scopes: [
          { scope: { name: 's1', version: '' }, spans: [spanData({ name: 'one' }), spanData({ name: 'two' })] },
          { scope: { name: 's2', version: '' }, spans: [spanData({ name: 'three' })] },
        ],
      },
      { resource: {}, scopes: [{ scope: { name: 's3', version: '' }, spans: [spanData({ name: 'four' })] }] },
    ];
    expect(mapSpans(request).map(({ row }) => [row.ServiceName, row.ScopeName, row.SpanName])).toEqual([
      ['a', 's1', 'one'],
      ['a', 's1', 'two'],
      ['a', 's2', 'three'],
      ['', 's3', 'four'],
    ]);
  });

  it('names span kinds and status codes, unknown numbers as Unspecified and Unset', () => {
    const kinds = [0, 1, 2, 3, 4, 5, 6, -1].map((kind) => mapOne(spanData({ kind })).row.SpanKind);
    expect(kinds).toEqual(['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer', 'Unspecified', 'Unspecified']);
    const codes = [0, 1, 2, 3].map((statusCode) => mapOne(spanData({ statusCode })).row.StatusCode);
    expect(codes).toEqual(['Unset', 'Ok', 'Error', 'Unset']);
  });

  it('writes a duration of 0 for a span that ends before or when it starts', () => {
    expect(mapOne(spanData({ endNs: START - 1n })).row.Duration).toBe('0');
    expect(mapOne(spanData({ endNs: START })).row.Duration).toBe('0');
    expect(mapOne(spanData({ endNs: START + 1n })).row.Duration).toBe('1');
  });

  it('cuts span names and status messages to 1,024 characters', () => {
    const row = mapOne(spanData({ name: `${'n'.repeat(1024)}cut`, statusMessage: `${'m'.repeat(1024)}cut` })).row;
    expect([row.SpanName, row.StatusMessage]).toEqual(['n'.repeat(1024), 'm'.repeat(1024)]);
  });

  it('writes the service name as text, and none when the resource has none', () => {
    expect(mapOne(spanData(), { 'service.name': 5 }).row.ServiceName).toBe('5');
    expect(mapOne(spanData(), { 'service.name': null }).row.ServiceName).toBe('');
    expect(mapOne(spanData()).row.ServiceName).toBe('');
  });
});

describe('mapSpans(): the analytics event of a span', () => {
  it('carries every mapped attribute, from the span first and then its resource', () => {
    const mapped = mapOne(
      spanData({
        startNs: START,
        endNs: START + 2_000_000_000n,
        attributes: {
          'portfolio.event.type': 'object_click',
          'portfolio.event.id': 'event-1',
          'session.id': 'session-1',
          'url.path': '/studio',
          'portfolio.referrer': 'https://example.com/',
          'portfolio.object.id': 'guitar',
          'portfolio.room.id': 'studio',
          'portfolio.navigation.from': '/a',
          'portfolio.navigation.to': '/b',
          'portfolio.duration_ms': 250,
          'portfolio.props.colour': 'red',
          'portfolio.props.size': 3,
          'portfolio.utm.source': 'newsletter',
          'portfolio.utm.medium': 'email',
          'portfolio.utm.campaign': 'spring',
          'portfolio.utm.term': 'guitar',
          'portfolio.utm.content': 'banner',
          // Read from the resource unless the span has it; a null value counts as absent.
          'portfolio.site': null,
        },
      }),
      {
        'portfolio.site': 'portfolio',
        'user_agent.original': 'Mozilla/5.0',
        'portfolio.props.ignored': 'resource',
        'url.path': '/resource',
      },
    );
    expect(mapped.event).toStrictEqual({
      id: 'event-1',
      type: 'object_click',
      ts: 1_700_000_000_123,
      site: 'portfolio',
      session: 'session-1',
      path: '/studio',
      referrer: 'https://example.com/',
      object: 'guitar',
      room: 'studio',
      from: '/a',
      to: '/b',
      duration_ms: 250,
      props: { colour: 'red', size: 3 },
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'spring',
      utm_term: 'guitar',
      utm_content: 'banner',
    });
    expect(mapped.userAgent).toBe('Mozilla/5.0');
  });

  it('holds only the fields the span has: the span id as its id, its start in milliseconds as ts', () => {
    // The type on the resource alone makes every span of it an event.
    const event = mapOne(spanData({ startNs: 1_999_999n, endNs: 9_000_000_000n }), { 'portfolio.event.type': 'page_view' }).event;
    expect(event).toStrictEqual({ id: SPAN_ID, type: 'page_view', ts: 1 });
    expect(Object.keys(event as object)).toEqual(['id', 'type', 'ts']);
  });

  it('takes the span attribute over the resource one', () => {
    const event = mapOne(spanData({ attributes: { 'portfolio.event.type': 'page_view', 'url.path': '/span' } }), {
      'portfolio.event.type': 'object_view',
      'url.path': '/resource',
    }).event as Record<string, unknown>;
    expect([event.type, event.path]).toEqual(['page_view', '/span']);
  });

  it('gives time_spent the span duration in whole milliseconds, rounded, when it has no portfolio.duration_ms', () => {
    const timeSpent = (endNs: bigint, attributes: Attributes = {}) =>
      (mapOne(spanData({ endNs, attributes: { 'portfolio.event.type': 'time_spent', ...attributes } })).event as Record<string, unknown>)
        .duration_ms;
    expect(timeSpent(START + 1_500_000n)).toBe(2);
    expect(timeSpent(START + 1_499_999n)).toBe(1);
    expect(timeSpent(START - 5_000_000n)).toBe(0);
    expect(timeSpent(START + 1_500_000n, { 'portfolio.duration_ms': 7 })).toBe(7);
    // Other types have no duration unless they carry one.
    const pageView = mapOne(spanData({ endNs: START + 1_500_000n, attributes: { 'portfolio.event.type': 'page_view' } })).event;
    expect(pageView).not.toHaveProperty('duration_ms');
  });

  it('has no event without portfolio.event.type, and user_agent.original only when it is text', () => {
    const plain = mapOne(spanData({ attributes: { 'url.path': '/x', 'user_agent.original': 'Mozilla/5.0 (span)' } }), {
      'user_agent.original': 'Mozilla/5.0 (resource)',
    });
    expect([plain.event, plain.userAgent]).toEqual([undefined, 'Mozilla/5.0 (span)']);
    expect(mapOne(spanData({ attributes: { 'user_agent.original': 42 } })).userAgent).toBeUndefined();
    expect(mapOne(spanData()).userAgent).toBeUndefined();
  });

  it('keeps in the row the attributes it maps into the event', () => {
    // Attributes no privacy rule names reach the row as sent; what the rules name (addresses, end-user
    // ids, headers, query strings) mapSpans removes first, from the span, its events and its links
    // (src/otlp/privacy.ts, otlp-privacy.test.ts).
    const row = mapOne(spanData({ attributes: { 'portfolio.event.type': 'page_view', 'session.id': 's' } })).row;
    expect(row.SpanAttributes).toEqual({ 'portfolio.event.type': 'page_view', 'session.id': 's' });
  });
});

describe('toStringMap()', () => {
  it('keeps text as is and writes every other value as JSON, nested structures included', () => {
    expect(
      toStringMap({
        text: 'plain "text"',
        int: 42,
        double: 0.5,
        yes: true,
        no: false,
        none: null,
        list: [1, 'two', [3], { four: 4 }],
        map: { inner: { deeper: ['x', null] } },
        empty: '',
      }),
    ).toStrictEqual({
      text: 'plain "text"',
      int: '42',
      double: '0.5',
      yes: 'true',
      no: 'false',
      none: 'null',
      list: '[1,"two",[3],{"four":4}]',
      map: '{"inner":{"deeper":["x",null]}}',
      empty: '',
    });
  });

  it('keeps the first 64 attributes and drops the rest', () => {
    const attributes = Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`k${index}`, `v${index}`]));
    const map = toStringMap(attributes);
    expect(Object.keys(map)).toEqual(Object.keys(attributes).slice(0, 64));
    expect(Object.keys(toStringMap(Object.fromEntries(Object.entries(attributes).slice(0, 64))))).toHaveLength(64);
  });

  it('cuts keys to 256 characters and values (JSON ones too) to 1,024', () => {
    const key256 = 'k'.repeat(256);
    const map = toStringMap({
      [key256]: 'exact',
      // One character over each bound is enough to be cut.
      [`${'l'.repeat(256)}c`]: 'long key',
      exact: 'v'.repeat(1024),
      long: `${'v'.repeat(1024)}c`,
      json: ['x'.repeat(1030)],
    });
    expect(map).toStrictEqual({
      [key256]: 'exact',
      ['l'.repeat(256)]: 'long key',
      exact: 'v'.repeat(1024),
      long: 'v'.repeat(1024),
      json: `["${'x'.repeat(1022)}`,
    });
  });

  it('keeps an attribute named __proto__ as an own, ordinary entry, never as the prototype', () => {
    // JSON.parse makes "__proto__" an own key, as the decoders do.
    const attributes = JSON.parse('{"__proto__":"value","after":"x"}') as Attributes;
    const map = toStringMap(attributes);
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    expect(Object.entries(map)).toEqual([
      ['__proto__', 'value'],
      ['after', 'x'],
    ]);
    expect(Object.getOwnPropertyDescriptor(map, '__proto__')).toEqual({
      value: 'value',
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
});

describe('dateTime64()', () => {
  it('writes seconds as UTC date and time and all nine digits of the fraction', () => {
    expect(dateTime64(0n)).toBe('1970-01-01 00:00:00.000000000');
    expect(dateTime64(1n)).toBe('1970-01-01 00:00:00.000000001');
    expect(dateTime64(999_999_999n)).toBe('1970-01-01 00:00:00.999999999');
    expect(dateTime64(1_000_000_000n)).toBe('1970-01-01 00:00:01.000000000');
    expect(dateTime64(START)).toBe('2023-11-14 22:13:20.123456789');
    expect(dateTime64(START + 10n)).toBe('2023-11-14 22:13:20.123456799');
    expect(dateTime64(1_700_000_000_100_000_000n)).toBe('2023-11-14 22:13:20.100000000');
    expect(dateTime64(LATEST_NANOS - 1n)).toBe('2199-12-31 23:59:59.999999999');
  });

  it('writes the right second after a run of times in another one, and back', () => {
    // The last second's text is remembered: each change of second must replace it.
    expect([START, START + 1n, 0n, START, START + 1_000_000_000n].map(dateTime64)).toEqual([
      '2023-11-14 22:13:20.123456789',
      '2023-11-14 22:13:20.123456790',
      '1970-01-01 00:00:00.000000000',
      '2023-11-14 22:13:20.123456789',
      '2023-11-14 22:13:21.123456789',
    ]);
  });
});

describe('mapMetricPoints()', () => {
  const TIME = 1_700_000_060_123_999_999n;
  const point = (fields: Partial<DataPoint> = {}): DataPoint => ({
    attributes: {},
    startNs: 1_700_000_000_000_000_000n,
    timeNs: TIME,
    value: 0,
    count: 0,
    sum: 0,
    bucketCounts: [],
    explicitBounds: [],
    ...fields,
  });
  const metric = (fields: Partial<MetricData>, ...points: DataPoint[]): MetricData => ({
    name: 'portfolio.events',
    kind: 'sum',
    temporality: 1,
    monotonic: true,
    points,
    ...fields,
  });
  const request = (resource: Attributes, ...metrics: MetricData[]): ResourceMetricsData[] => [
    { resource, scopes: [{ scope: { name: '', version: '' }, metrics }] },
  ];
  const RESOURCE = { 'service.name': 'portfolio-web', 'portfolio.site': 'portfolio' };

  /** The point id, a point's identity: its stream (site, service, metric, attributes) and window. */
  const pointIdOf = (site: string, service: string, name: string, attributes: Record<string, string>, startNs: bigint, timeNs: bigint) =>
    createHash('sha256')
      .update(
        JSON.stringify([site, service, name, Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1)), `${startNs}`, `${timeNs}`]),
      )
      .digest('base64url')
      .slice(0, 22);

  it('fills every column of a histogram row', () => {
    const histogram = point({
      attributes: { 'url.path': '/room', rating: 'good', z: 1 },
      count: 3,
      sum: 3702.5,
      bucketCounts: [1, 2, 0],
      explicitBounds: [1000, 2500],
    });
    const { points, refused } = mapMetricPoints(
      request(RESOURCE, metric({ name: 'portfolio.web_vital.lcp', kind: 'histogram', monotonic: false }, histogram)),
      catalog,
    );
    expect(refused).toEqual([]);
    const attributes = { 'url.path': '/room', rating: 'good', z: '1' };
    expect(points).toEqual([
      {
        row: {
          point_id: pointIdOf('portfolio', 'portfolio-web', 'portfolio.web_vital.lcp', attributes, 1_700_000_000_000_000_000n, TIME),
          site: 'portfolio',
          service_name: 'portfolio-web',
          name: 'portfolio.web_vital.lcp',
          kind: 'histogram',
          // Milliseconds, the rest cut off.
          ts: 1_700_000_060_123,
          attributes,
          path: '/room',
          value: 0,
          count: 3,
          sum: 3702.5,
          bucket_counts: [1, 2, 0],
          explicit_bounds: [1000, 2500],
        },
        browserCount: undefined,
      },
    ]);
    expect(points[0]!.row.point_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('identifies a point by its site, service, metric, attributes (in any order) and time window', () => {
    const idOf = (resource: Attributes, name: string, fields: Partial<DataPoint>) =>
      mapMetricPoints(request(resource, metric({ name, kind: 'gauge' }, point(fields))), catalog).points[0]!.row.point_id;
    const base = idOf(RESOURCE, 'm', { attributes: { a: '1', b: '2' } });
    expect(idOf(RESOURCE, 'm', { attributes: { b: '2', a: '1' } })).toBe(base);
    const others = [
      idOf({ ...RESOURCE, 'service.name': 'other' }, 'm', { attributes: { a: '1', b: '2' } }),
      idOf(RESOURCE, 'n', { attributes: { a: '1', b: '2' } }),
      idOf(RESOURCE, 'm', { attributes: { a: '1', b: '3' } }),
      idOf(RESOURCE, 'm', { attributes: { a: '1', b: '2' }, startNs: 1n }),
      idOf(RESOURCE, 'm', { attributes: { a: '1', b: '2' }, timeNs: TIME + 1n }),
    ];
    expect(new Set([base, ...others]).size).toBe(6);
    // Values that only differ once written as text are the same attribute.
    expect(idOf(RESOURCE, 'm', { attributes: { a: 1, b: '2' } })).toBe(base);
  });

  it('takes the site from the point, then the resource, then the catalog default; refuses a site the catalog lacks', () => {
    const siteOf = (resource: Attributes, attributes: Attributes) => {
      const { points, refused } = mapMetricPoints(request(resource, metric({ name: 'm', kind: 'gauge' }, point({ attributes }))), catalog);
      return points.length === 1 ? points[0]!.row.site : refused.map(({ reason }) => reason);
    };
    expect(siteOf({ 'portfolio.site': 'elsewhere' }, { 'portfolio.site': 'portfolio' })).toBe('portfolio');
    expect(siteOf({ 'portfolio.site': 'portfolio' }, {})).toBe('portfolio');
    expect(siteOf({}, {})).toBe(catalog.defaultSite);
    expect(siteOf({ 'portfolio.site': 'portfolio' }, { 'portfolio.site': 'elsewhere' })).toEqual(['unknown_site']);
    expect(siteOf({ 'portfolio.site': 'elsewhere' }, {})).toEqual(['unknown_site']);
    // The refusal names the site the catalog lacks, for the owner's refused list.
    expect(
      mapMetricPoints(request({ 'portfolio.site': 'elsewhere' }, metric({ name: 'm', kind: 'gauge' }, point({}))), catalog).refused,
    ).toEqual([{ reason: 'unknown_site', site: 'elsewhere', value: 'elsewhere' }]);
  });

  it('refuses each number that cannot be true alone, and keeps the points around it', () => {
    const sum = (monotonic: boolean, temporality: number, value: number) =>
      metric({ name: 'm', kind: 'sum', monotonic, temporality }, point({ value }));
    const cases: Array<[string, MetricData]> = [
      ['NaN value', metric({ name: 'g', kind: 'gauge' }, point({ value: Number.NaN }))],
      ['infinite sum', metric({ name: 'h', kind: 'histogram' }, point({ sum: Number.POSITIVE_INFINITY }))],
      ['infinite bound', metric({ name: 'h', kind: 'histogram' }, point({ explicitBounds: [1, Number.NEGATIVE_INFINITY] }))],
      ['monotonic delta going down', sum(true, 1, -1)],
      ['monotonic delta at 0', sum(true, 1, 0)],
      ['monotonic cumulative going down', sum(true, 2, -1)],
      ['non-monotonic delta going down', sum(false, 1, -1)],
      ['gauge going down', metric({ name: 'g', kind: 'gauge', monotonic: true, temporality: 1 }, point({ value: -1 }))],
    ];
    const outcomes = cases.map(([what, data]) => {
      const { points, refused } = mapMetricPoints(request(RESOURCE, data), catalog);
      return [what, points.length, refused.map(({ reason }) => reason)];
    });
    expect(outcomes).toEqual([
      ['NaN value', 0, ['invalid_value']],
      ['infinite sum', 0, ['invalid_value']],
      ['infinite bound', 0, ['invalid_value']],
      ['monotonic delta going down', 0, ['invalid_value']],
      ['monotonic delta at 0', 1, []],
      ['monotonic cumulative going down', 1, []],
      ['non-monotonic delta going down', 1, []],
      ['gauge going down', 1, []],
    ]);
    // In one request: every refusal is counted, in order, and the good points are kept.
    const mixed = mapMetricPoints(
      request(
        RESOURCE,
        metric(
          { name: 'g', kind: 'gauge' },
          point({ value: 1 }),
          point({ value: Number.NaN }),
          point({ value: 2, attributes: { 'portfolio.site': 'x' } }),
        ),
        metric({ name: 'g2', kind: 'gauge' }, point({ value: 3, attributes: { 'portfolio.site': 'x' } }), point({ value: 4 })),
      ),
      catalog,
    );
    expect(mixed.points.map(({ row }) => row.value)).toEqual([1, 4]);
    expect(mixed.refused.map(({ reason }) => reason)).toEqual(['invalid_value', 'unknown_site', 'unknown_site']);
    // An impossible number is named by its metric, on its site.
    expect(mixed.refused[0]).toEqual({ reason: 'invalid_value', site: 'portfolio', value: 'g' });
    // A site the catalog lacks is named first, whatever the value.
    expect(
      mapMetricPoints(request({ 'portfolio.site': 'x' }, metric({}, point({ value: Number.NaN }))), catalog).refused.map(
        ({ reason }) => reason,
      ),
    ).toEqual(['unknown_site']);
  });

  it('takes a browser count of portfolio.events from 0 to MAX_BROWSER_COUNT_PER_POINT, whole, and refuses any other', () => {
    expect(MAX_BROWSER_COUNT_PER_POINT).toBe(100_000);
    const outcome = (value: number, fields: Partial<MetricData> = {}) => {
      const { points, refused } = mapMetricPoints(request(RESOURCE, metric(fields, point({ value }))), catalog);
      return refused.length > 0 ? refused[0]!.reason : points[0]!.browserCount?.value;
    };
    expect([0, 1, 100_000].map((value) => outcome(value))).toEqual([0, 1, 100_000]);
    expect([100_001, 1.5, -1, 2 ** 53].map((value) => outcome(value))).toEqual([
      'invalid_value',
      'invalid_value',
      'invalid_value',
      'invalid_value',
    ]);
    // The rule is the metric's, whatever its kind: a non-monotonic or gauge portfolio.events still holds counts.
    expect(outcome(-1, { monotonic: false })).toBe('invalid_value');
    expect(outcome(1.5, { kind: 'gauge', temporality: 0, monotonic: false })).toBe('invalid_value');
  });

  it('counts only delta sums of portfolio.events for the browser counter, with labels from the catalog', () => {
    const countOf = (attributes: Attributes, fields: Partial<MetricData> = {}) =>
      mapMetricPoints(request(RESOURCE, metric(fields, point({ value: 3, attributes }))), catalog).points[0]!.browserCount;
    expect(countOf({ 'portfolio.event.type': 'object_click', 'portfolio.object.id': 'guitar' })).toEqual({
      site: 'portfolio',
      type: 'object_click',
      object: 'guitar',
      value: 3,
    });
    // Anything the catalog lacks becomes "other", so the series stay bounded; no object stays empty.
    expect(countOf({ 'portfolio.event.type': 'made_up', 'portfolio.object.id': 'spaceship' })).toEqual({
      site: 'portfolio',
      type: 'other',
      object: 'other',
      value: 3,
    });
    expect(countOf({ 'portfolio.event.type': 'page_view' })).toEqual({ site: 'portfolio', type: 'page_view', object: '', value: 3 });
    expect(countOf({})).toEqual({ site: 'portfolio', type: 'other', object: '', value: 3 });
    expect(countOf({ 'portfolio.event.type': 'page_view' }, { temporality: 2 })).toBeUndefined();
    expect(countOf({ 'portfolio.event.type': 'page_view' }, { kind: 'gauge' })).toBeUndefined();
    expect(countOf({ 'portfolio.event.type': 'page_view' }, { name: 'portfolio.other' })).toBeUndefined();
  });

  it('writes an empty service name and path when the data has none', () => {
    const row = mapMetricPoints(request({}, metric({ name: 'g', kind: 'gauge' }, point())), catalog).points[0]!.row;
    expect([row.service_name, row.path, row.site]).toEqual(['', '', 'portfolio']);
  });
});
