import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { configWith } from '../src/config.js';

// Throws random and mutated bodies at every endpoint that takes input: whatever arrives, the
// answer is a 2xx or a 4xx with a message (never a 5xx, a crash or a hang), and the service
// still takes and stores valid data afterwards.

const RUNS = 200;
/** A hang is a failure: fast-check reports the request that did not answer in time. */
const RUN_TIMEOUT_MS = 5000;
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const OTLP_TYPES = ['application/json', 'application/x-protobuf'] as const;

// ---- valid bodies, made fresh for each run (the service de-duplicates by id) ----

function beaconEvent(session: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: randomUUID(), type: 'page_view', ts: Date.now(), session, path: '/about', ...extra };
}

function beaconBatch(session: string = randomUUID()) {
  return {
    site: 'portfolio',
    events: [
      beaconEvent(session, { referrer: 'https://example.org/post' }),
      beaconEvent(session, { type: 'object_click', object: 'guitar', props: { color: 'red', n: 2, hit: true } }),
      beaconEvent(session, { type: 'navigation', from: '/room', to: '/projects' }),
      beaconEvent(session, { type: 'time_spent', duration_ms: 4200 }),
    ],
  };
}

const resource = resourceFromAttributes({ 'service.name': 'portfolio-web', 'portfolio.site': 'portfolio' });

/** Spans recorded by the real SDK: two analytics events and one plain span. */
function recordSpans(session: string = randomUUID()): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('fuzz');
  const common = { 'session.id': session, 'url.path': '/room', 'user_agent.original': BROWSER_UA };
  tracer.startSpan('page_view', { attributes: { ...common, 'portfolio.event.type': 'page_view' } }).end();
  tracer
    .startSpan('object_click', { attributes: { ...common, 'portfolio.event.type': 'object_click', 'portfolio.object.id': 'laptop' } })
    .end();
  tracer.startSpan('GET /api/projects', { attributes: { 'http.request.method': 'GET' } }).end();
  return exporter.getFinishedSpans();
}

/** A MetricReader that only hands over what it collects, so the test can serialise it. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

async function recordMetrics() {
  const reader = new CollectingReader({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  const meter = new MeterProvider({ resource, readers: [reader] }).getMeter('fuzz');
  meter.createCounter('portfolio.events').add(3, { 'portfolio.event.type': 'object_click', 'portfolio.object.id': 'guitar' });
  meter.createHistogram('portfolio.web_vital.lcp').record(1234, { 'url.path': '/' });
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics;
}

function otlpTraces(type: (typeof OTLP_TYPES)[number], session?: string): Buffer {
  const serializer = type === 'application/json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  return Buffer.from(serializer.serializeRequest(recordSpans(session))!);
}

async function otlpMetrics(type: (typeof OTLP_TYPES)[number]): Promise<Buffer> {
  const serializer = type === 'application/json' ? JsonMetricsSerializer : ProtobufMetricsSerializer;
  return Buffer.from(serializer.serializeRequest(await recordMetrics())!);
}

// ---- mutations ----

/** Byte-level damage, for any encoding: each op picks its place as a fraction of the length. */
const byteOp = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.nat(64) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    bytes: fc.uint8Array({ maxLength: 16 }),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.nat(16) }),
);
type ByteOp = typeof byteOp extends fc.Arbitrary<infer T> ? T : never;

function applyByteOps(body: Buffer, ops: readonly ByteOp[]): Buffer {
  let out = Buffer.from(body);
  for (const op of ops) {
    const at = Math.floor(op.at * out.length);
    if (op.op === 'flip' && out.length > 0) out[Math.min(at, out.length - 1)]! ^= op.mask;
    if (op.op === 'truncate') out = out.subarray(0, at);
    if (op.op === 'duplicate') out = Buffer.concat([out.subarray(0, at + op.length), out.subarray(at)]);
    if (op.op === 'insert') out = Buffer.concat([out.subarray(0, at), op.bytes, out.subarray(at)]);
    if (op.op === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + op.length)]);
  }
  return out;
}

/** Values of the wrong type or size, to put where a valid body has something else. */
const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  // '18446744073709551615': the largest uint64, a unix-nano time no ClickHouse DateTime64 can hold.
  fc.constantFrom(null, true, -1, 0, 1e308, -1e-308, '', [], {}, '__proto__', 'constructor', '9'.repeat(40), '18446744073709551615'),
  fc.integer({ min: 1, max: 200_000 }).map((length) => 'x'.repeat(length)),
  fc.array(fc.constant({ id: 'abcdefgh', type: 'page_view', ts: 0 }), { minLength: 90, maxLength: 300 }),
);

/** Structural damage to a JSON body: replace, delete or duplicate what sits at some path. */
const jsonOp = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('replace', 'delete', 'duplicate'),
  value: oddValue,
});
type JsonOp = typeof jsonOp extends fc.Arbitrary<infer T> ? T : never;

function pathsOf(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  const here = [path];
  if (Array.isArray(value)) return here.concat(...value.map((item, index) => pathsOf(item, [...path, index])));
  if (value && typeof value === 'object') {
    return here.concat(...Object.entries(value).map(([key, item]) => pathsOf(item, [...path, key])));
  }
  return here;
}

/** Past this size a body is refused as too large anyway; more ops would only cost memory. */
const MAX_MUTATED_JSON_CHARS = 256 * 1024;

function applyJsonOps(root: unknown, ops: readonly JsonOp[]): unknown {
  let body = structuredClone(root);
  for (const { pick, op, value: generated } of ops) {
    if ((JSON.stringify(body)?.length ?? 0) > MAX_MUTATED_JSON_CHARS) break;
    // fast-check hands the same value object to several runs: never put it in a body that later ops mutate.
    const value = structuredClone(generated);
    const paths = pathsOf(body);
    const path = paths[pick % paths.length]!;
    if (path.length === 0) {
      body = op === 'duplicate' ? [body, body] : value;
      continue;
    }
    // Plain JSON of any shape: a loosely typed record is the honest type here.
    const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], body) as Record<string | number, unknown>;
    const key = path.at(-1)!;
    if (op === 'replace') parent[key] = value;
    else if (op === 'delete' && Array.isArray(parent)) parent.splice(Number(key), 1);
    else if (op === 'delete') delete parent[key];
    else if (Array.isArray(parent)) parent.push(...Array.from({ length: 120 }, () => structuredClone(parent[key as number])));
    else parent[key] = [parent[key], structuredClone(parent[key])];
  }
  return body;
}

// ---- how a body is sent ----

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-protobuf',
    'application/octet-stream',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
  ),
  fc.stringMatching(/^[a-z]{1,12}\/[a-z0-9.+-]{1,20}(; ?[a-z]{1,8}=[A-Za-z0-9-]{0,10})?$/),
);

const contentEncoding = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constant('gzip') },
  { weight: 1, arbitrary: fc.constantFrom('identity', 'deflate', 'br', 'gzip, gzip', 'x-unknown') },
);

interface Sent {
  url: string;
  contentType: string;
  encoding: string | undefined;
  body: Buffer;
}

/** Compresses the (possibly damaged) body when the header says gzip, so the damage reaches the decoder. */
function send(app: FastifyInstance, sent: Sent): Promise<LightMyRequestResponse> {
  const payload = sent.encoding === 'gzip' ? gzipSync(sent.body) : sent.body;
  const headers: Record<string, string> = { 'content-type': sent.contentType, 'user-agent': BROWSER_UA };
  if (sent.encoding) headers['content-encoding'] = sent.encoding;
  return app.inject({ method: 'POST', url: sent.url, headers, payload });
}

/** The property every answer must hold. */
function expectClientOrSuccess(response: LightMyRequestResponse, what: unknown): void {
  const context = `${response.statusCode} ${response.body.slice(0, 300)} for ${JSON.stringify(what).slice(0, 500)}`;
  expect(response.statusCode, context).toBeGreaterThanOrEqual(200);
  expect(response.statusCode, context).toBeLessThan(500);
  if (response.statusCode >= 400) {
    const message: unknown = response.json().message;
    expect(typeof message === 'string' && message.length > 0, context).toBe(true);
  }
}

// ---- hostile events: valid in shape, hostile in content ----

/** Any UTF-16 code unit, lone surrogates included: what JSON can carry and UTF-8 cannot. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

/** Text a visitor controls, aimed at what parses, stores or shows it. */
function hostileText(maxLength: number) {
  return fc.oneof(
    fc.string({ unit: anyCodeUnit, maxLength: Math.min(maxLength, 48) }),
    fc
      .constantFrom(
        '\ud800',
        '\udc00',
        'a\udbff',
        '\udfffz',
        '\ud83d\ude00',
        '\u0000',
        '\u202e',
        '\\',
        '"',
        "'; DROP TABLE events; --",
        '{"a":1}',
        '<script>',
        '\\ud800',
      )
      .map((text) => text.slice(0, maxLength)),
    fc.constant('/'.padEnd(maxLength, 'x')),
  );
}

const hostileProps = fc.dictionary(
  fc.oneof(hostileText(32), fc.constantFrom('__proto__', 'constructor', 'toString')),
  fc.oneof(hostileText(256), fc.double(), fc.boolean(), fc.constantFrom(1e308, -0, 5e-324, Number.MAX_SAFE_INTEGER + 2)),
  { maxKeys: 10 },
);

/** A beacon event whose every free-text field (and its numbers at their edges) is hostile. */
const hostileEvent = fc.record({
  type: fc.constantFrom('page_view', 'navigation', 'time_spent'),
  session: hostileText(64),
  path: hostileText(512),
  referrer: hostileText(512),
  from: hostileText(512),
  to: fc.string({ unit: anyCodeUnit, minLength: 1, maxLength: 48 }),
  duration_ms: fc.constantFrom(0, 1, 86_400_000),
  props: hostileProps,
  // At the edges of the accepted window, with room for the time the run takes.
  age_ms: fc.constantFrom(0, 23 * 3600 * 1000, -4 * 60 * 1000),
});

/** Good events of the kinds the tracker sends. */
const goodEvent = fc.constantFrom<Record<string, unknown>>(
  { type: 'page_view', path: '/about' },
  { type: 'object_click', object: 'guitar', props: { color: 'red' } },
  { type: 'navigation', from: '/room', to: '/projects' },
  { type: 'time_spent', duration_ms: 4200 },
);

/** Rows stored per event id, read straight from ClickHouse once everything accepted is written. */
async function storedCounts(
  app: FastifyInstance,
  column: 'event_id' | 'SpanId',
  table: string,
  ids: readonly string[],
): Promise<Map<string, number>> {
  expect(await app.pipeline.flush(30_000)).toBe(true);
  const result = await app.clickhouse.query({
    query: `SELECT ${column} AS id, count() AS n, min(isValidUTF8(toString(tuple(*)))) AS valid FROM ${table} WHERE ${column} IN {ids:Array(String)} GROUP BY id`,
    query_params: { ids },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ id: string; n: string; valid: number }>();
  for (const row of rows) expect(row.valid, `${table} row ${row.id} is not valid UTF-8`).toBe(1);
  return new Map(rows.map((row) => [row.id, Number(row.n)]));
}

const assertOptions = { numRuns: RUNS, timeout: RUN_TIMEOUT_MS } as const;

describe('random and mutated input', () => {
  let app: FastifyInstance;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'footfall-'));
    app = await buildApp(configWith({ dataDir, rateLimitPerMinute: 0, batchIntervalMs: 50, logLevel: 'silent' }));
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const beaconUrl = fc.constantFrom('/v1/beacon', '/track');

  it('beacons: valid batches damaged in their structure', async () => {
    await fc.assert(
      fc.asyncProperty(
        beaconUrl,
        fc.constantFrom('text/plain', 'application/json'),
        fc.array(jsonOp, { minLength: 1, maxLength: 4 }),
        async (url, type, ops) => {
          const body = Buffer.from(JSON.stringify(applyJsonOps(beaconBatch(), ops)) ?? '');
          expectClientOrSuccess(await send(app, { url, contentType: type, encoding: undefined, body }), { url, ops });
        },
      ),
      assertOptions,
    );
  });

  it('beacons: valid batches damaged byte by byte, random bytes and random content types', async () => {
    const body = fc.oneof(
      fc.array(byteOp, { minLength: 1, maxLength: 4 }).map((ops) => applyByteOps(Buffer.from(JSON.stringify(beaconBatch())), ops)),
      fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
      fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value) ?? '')),
    );
    await fc.assert(
      fc.asyncProperty(beaconUrl, contentType, contentEncoding, body, async (url, type, encoding, bytes) => {
        expectClientOrSuccess(await send(app, { url, contentType: type, encoding, body: bytes }), {
          url,
          type,
          encoding,
          body: bytes.toString('base64'),
        });
      }),
      assertOptions,
    );
  });

  for (const type of OTLP_TYPES) {
    for (const url of ['/v1/traces', '/v1/metrics']) {
      it(`${url} ${type}: valid requests from the OpenTelemetry serializers, damaged`, async () => {
        const valid = () => (url === '/v1/traces' ? Promise.resolve(otlpTraces(type)) : otlpMetrics(type));
        const structural =
          type === 'application/json' ? [fc.array(jsonOp, { minLength: 1, maxLength: 4 }).map((ops) => ({ json: ops }))] : [];
        const mutation = fc.oneof(
          fc.array(byteOp, { minLength: 1, maxLength: 4 }).map((ops) => ({ bytes: ops })),
          ...structural,
        );
        await fc.assert(
          fc.asyncProperty(mutation, contentEncoding, async (damage, encoding) => {
            const original = await valid();
            const body =
              'json' in damage
                ? Buffer.from(JSON.stringify(applyJsonOps(JSON.parse(original.toString()), damage.json)) ?? '')
                : applyByteOps(original, damage.bytes);
            const what = { url, type, encoding, body: body.toString('base64') };
            expectClientOrSuccess(await send(app, { url, contentType: type, encoding, body }), what);
          }),
          assertOptions,
        );
      });
    }
  }

  it('OTLP endpoints: random bytes under any content type and encoding', async () => {
    const otlpUrl = fc.constantFrom('/v1/traces', '/v1/metrics');
    const otlpType = fc.oneof(fc.constantFrom(...OTLP_TYPES), contentType);
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes)),
      fc.jsonValue({ maxDepth: 5 }).map((value) => Buffer.from(JSON.stringify(value) ?? '')),
    );
    await fc.assert(
      fc.asyncProperty(otlpUrl, otlpType, contentEncoding, body, async (url, type, encoding, bytes) => {
        expectClientOrSuccess(await send(app, { url, contentType: type, encoding, body: bytes }), {
          url,
          type,
          encoding,
          body: bytes.toString('base64'),
        });
      }),
      assertOptions,
    );
  });

  it('read API: random query strings', async () => {
    const key = fc.oneof(fc.constantFrom('range', 'site', 'session', 'type', 'limit'), fc.string({ maxLength: 8 }));
    const value = fc.oneof(
      fc.constantFrom('5m', '1h', '24h', '7d', '30d', 'portfolio', '0', '-1', '1000', '1001', '1e3', ''),
      fc.string({ maxLength: 80 }),
      fc.integer({ min: 1, max: 300 }).map((length) => 'é'.repeat(length)),
    );
    const query = fc.array(fc.tuple(key, value), { maxLength: 5 }).map((pairs) => new URLSearchParams(pairs).toString());
    const raw = fc.stringMatching(/^[A-Za-z0-9=&%+._~\-[\]]{0,60}$/);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/stats', '/api/events'), fc.oneof(query, raw), async (path, search) => {
        const url = `${path}?${search}`;
        const response = await app.inject({ method: 'GET', url });
        expectClientOrSuccess(response, url);
      }),
      { ...assertOptions, numRuns: RUNS / 2 },
    );
  });

  it('beacons: hostile but well-formed events mixed with good ones; every good one and everything acknowledged is stored once', async () => {
    const mustBeStored: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        beaconUrl,
        fc.array(goodEvent, { minLength: 1, maxLength: 5 }),
        fc.array(hostileEvent, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (url, goods, hostiles, order) => {
          const good = goods.map((fields) => ({ ...fields, id: randomUUID(), ts: Date.now(), session: 'fuzz-good' }));
          const hostile = hostiles.map(({ age_ms, ...fields }) => ({ ...fields, id: randomUUID(), ts: Date.now() - age_ms }));
          const events: Array<Record<string, unknown>> = [...good, ...hostile];
          // Hostile events anywhere among the good ones.
          order.forEach((pick, index) => {
            const from = index % events.length;
            const to = pick % events.length;
            [events[from], events[to]] = [events[to]!, events[from]!];
          });
          const body = Buffer.from(JSON.stringify({ site: 'portfolio', events }));
          const response = await send(app, { url, contentType: 'text/plain', encoding: undefined, body });
          expect(response.statusCode, response.body).toBe(202);
          const refused = new Set((response.json().refused as Array<{ index: number }>).map(({ index }) => events[index]!.id as string));
          for (const event of good) expect(refused.has(event.id), `good event refused: ${response.body}`).toBe(false);
          for (const event of events) if (!refused.has(event.id as string)) mustBeStored.push(event.id as string);
        },
      ),
      { ...assertOptions, numRuns: RUNS / 2 },
    );
    const stored = await storedCounts(app, 'event_id', 'events', mustBeStored);
    expect(mustBeStored.filter((id) => stored.get(id) !== 1)).toEqual([]);
    expect((await app.inject('/metrics')).body).toContain('footfall_rows_quarantined_total{table="events"} 0');
  });

  it('OTLP JSON: hostile but well-formed spans mixed with good ones; every good one is stored once', async () => {
    const goodSpanIds: string[] = [];
    let hostileAcknowledged = 0;
    const hostileSpanIds: string[] = [];
    const keyValues = (attributes: Record<string, unknown>) =>
      Object.entries(attributes).map(([key, value]) => ({ key, value: anyValueOf(value) }));
    // Non-finite numbers go as text: an attribute double that is NaN refuses the whole request, which is not what this property looks at.
    const anyValueOf = (value: unknown) =>
      typeof value === 'boolean'
        ? { boolValue: value }
        : typeof value === 'number' && Number.isFinite(value)
          ? { doubleValue: value }
          : { stringValue: String(value) };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(hostileEvent, { minLength: 1, maxLength: 3 }),
        hostileText(64),
        async (goodCount, hostiles, resourceText) => {
          const now = BigInt(Date.now()) * 1_000_000n;
          const span = (name: string, attributes: Record<string, unknown>) => ({
            traceId: randomBytes(16).toString('hex'),
            spanId: randomBytes(8).toString('hex'),
            name,
            kind: 1,
            startTimeUnixNano: String(now),
            endTimeUnixNano: String(now + 1_000_000n),
            attributes: keyValues(attributes),
          });
          const good = Array.from({ length: goodCount }, () =>
            span('page_view', { 'portfolio.event.type': 'page_view', 'session.id': 'fuzz-otlp-good', 'url.path': '/room' }),
          );
          const hostile = hostiles.map((event) =>
            span(event.path, {
              'portfolio.event.type': 'page_view',
              'session.id': event.session,
              'url.path': event.path,
              [event.from]: event.referrer,
              ...Object.fromEntries(Object.entries(event.props).map(([key, value]) => [`portfolio.props.${key}`, value])),
            }),
          );
          const body = JSON.stringify({
            resourceSpans: [
              {
                resource: {
                  attributes: keyValues({ 'service.name': resourceText, 'portfolio.site': 'portfolio', [resourceText]: resourceText }),
                },
                scopeSpans: [{ scope: { name: 'fuzz-hostile' }, spans: [...hostile, ...good] }],
              },
            ],
          });
          const response = await send(app, {
            url: '/v1/traces',
            contentType: 'application/json',
            encoding: undefined,
            body: Buffer.from(body),
          });
          expect(response.statusCode, response.body).toBe(200);
          const rejected = Number(response.json().partialSuccess?.rejectedSpans ?? 0);
          expect(rejected).toBeLessThanOrEqual(hostile.length);
          goodSpanIds.push(...good.map((item) => item.spanId));
          hostileSpanIds.push(...hostile.map((item) => item.spanId));
          hostileAcknowledged += hostile.length - rejected;
        },
      ),
      { ...assertOptions, numRuns: RUNS / 4 },
    );
    const events = await storedCounts(app, 'event_id', 'events', goodSpanIds);
    const traces = await storedCounts(app, 'SpanId', 'otel_traces', goodSpanIds);
    expect(goodSpanIds.filter((id) => events.get(id) !== 1 || traces.get(id) !== 1)).toEqual([]);
    const hostileTraces = await storedCounts(app, 'SpanId', 'otel_traces', hostileSpanIds);
    expect([...hostileTraces.values()].reduce((sum, n) => sum + n, 0)).toBe(hostileAcknowledged);
    expect((await app.inject('/metrics')).body).toContain('footfall_rows_quarantined_total{table="otel_traces"} 0');
  });

  it('stays ready and still stores valid data afterwards', async () => {
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode, ready.body).toBe(200);

    const session = `after-fuzz-${randomBytes(4).toString('hex')}`;
    const batch = beaconBatch(session);
    const beacon = await send(app, {
      url: '/v1/beacon',
      contentType: 'text/plain',
      encoding: undefined,
      body: Buffer.from(JSON.stringify(batch)),
    });
    expect(beacon.statusCode, beacon.body).toBe(202);
    expect(beacon.json()).toEqual({ accepted: batch.events.length, duplicates: 0, refused: [] });

    const spanIds: string[] = [];
    for (const type of OTLP_TYPES) {
      const spans = recordSpans(session);
      spanIds.push(...spans.filter((span) => span.attributes['portfolio.event.type']).map((span) => span.spanContext().spanId));
      const serializer = type === 'application/json' ? JsonTraceSerializer : ProtobufTraceSerializer;
      const body = Buffer.from(serializer.serializeRequest(spans)!);
      const response = await send(app, { url: '/v1/traces', contentType: type, encoding: 'gzip', body });
      expect(response.statusCode, response.body).toBe(200);
    }
    const metrics = await send(app, {
      url: '/v1/metrics',
      contentType: 'application/x-protobuf',
      encoding: undefined,
      body: await otlpMetrics('application/x-protobuf'),
    });
    expect(metrics.statusCode).toBe(200);

    // A row accepted earlier that ClickHouse refuses would block its table's batches from here on.
    const flushed = await app.pipeline.flush(5000);
    const failures = (await app.inject({ method: 'GET', url: '/metrics' })).body
      .split('\n')
      .filter((line) => line.startsWith('footfall_write_failures_total'));
    expect(flushed, `batches still waiting; ${failures.join(', ')}`).toBe(true);
    const stored = await app.inject({ method: 'GET', url: `/api/events?session=${session}&limit=1000` });
    expect(stored.statusCode, stored.body).toBe(200);
    const ids = (stored.json().events as Array<{ event_id: string }>).map((event) => event.event_id).sort();
    expect(ids).toEqual([...batch.events.map((event) => event.id as string), ...spanIds].sort());
  });
});
