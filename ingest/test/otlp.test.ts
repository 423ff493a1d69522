import { gzipSync } from 'node:zlib';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsBody, makeSpans, tracesBody } from './support/otel-requests.js';
import { countOf, queryRows, testApp } from './support/test-app.js';

const post = (app: FastifyInstance, url: string, body: Buffer, contentType: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': contentType, ...headers }, payload: body });

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

describe.each([
  ['protobuf', PROTOBUF],
  ['json', JSON_TYPE],
] as const)('POST /v1/traces as %s', (encoding, contentType) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('stores every span as a trace and analytics spans as events too', async () => {
    const session = `otlp-${encoding}`;
    const spans = makeSpans([
      {
        name: 'room.enter',
        attributes: { 'portfolio.event.type': 'room_enter', 'portfolio.room.id': 'studio', 'session.id': session, 'url.path': '/room' },
      },
      {
        name: 'object.click',
        attributes: {
          'portfolio.event.type': 'object_click',
          'portfolio.object.id': 'laptop',
          'session.id': session,
          'url.path': '/room',
          'portfolio.props.source': 'raycast',
        },
      },
      {
        name: 'time.spent',
        attributes: { 'portfolio.event.type': 'time_spent', 'session.id': session, 'url.path': '/room' },
        durationMs: 3000,
      },
      { name: 'documentLoad', attributes: { 'http.url': 'http://localhost:5173/room' } },
    ]);
    const response = await post(app, '/v1/traces', tracesBody(spans, encoding), contentType);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain(contentType);

    const events = await queryRows<Record<string, unknown>>(
      app,
      `SELECT type, event_id, object_id, room_id, path, duration_ms, props, source, device FROM events WHERE session_id = '${session}' ORDER BY type`,
    );
    expect(events.map((event) => event.type)).toEqual(['object_click', 'room_enter', 'time_spent']);
    const click = events[0]!;
    expect(click).toMatchObject({
      object_id: 'laptop',
      room_id: 'studio',
      path: '/room',
      source: 'otlp',
      device: 'desktop',
      props: { source: 'raycast' },
    });
    expect(click.event_id).toBe(spans[1]!.spanContext().spanId);
    expect(Number(events[2]!.duration_ms)).toBeGreaterThanOrEqual(2999);

    const traces = await queryRows<Record<string, unknown>>(
      app,
      `SELECT TraceId, SpanId, SpanName, ServiceName, SpanAttributes, ResourceAttributes, Duration, ScopeName
       FROM otel_traces WHERE SpanId IN (${spans.map((span) => `'${span.spanContext().spanId}'`).join(',')}) ORDER BY SpanName`,
    );
    expect(traces.map((trace) => trace.SpanName)).toEqual(['documentLoad', 'object.click', 'room.enter', 'time.spent']);
    const load = traces[0]!;
    const loadSpan = spans[3]!;
    expect(load).toMatchObject({
      TraceId: loadSpan.spanContext().traceId,
      ServiceName: 'portfolio-web',
      ScopeName: 'footfall-test',
      SpanAttributes: { 'http.url': 'http://localhost:5173/room' },
    });
    expect((load.ResourceAttributes as Record<string, string>)['service.version']).toBe('1.0.0');
    expect(Number(load.Duration)).toBe(5_000_000);
  });

  it('stores a re-sent request once', async () => {
    const session = `resend-${encoding}`;
    const spans = makeSpans([
      {
        name: 'object.click',
        attributes: { 'portfolio.event.type': 'object_click', 'portfolio.object.id': 'camera', 'session.id': session },
      },
    ]);
    const body = tracesBody(spans, encoding);
    for (let i = 0; i < 3; i++) expect((await post(app, '/v1/traces', body, contentType)).statusCode).toBe(200);
    expect(await countOf(app, `SELECT count() AS n FROM events WHERE session_id = '${session}'`)).toBe(1);
    expect(await countOf(app, `SELECT count() AS n FROM otel_traces WHERE SpanId = '${spans[0]!.spanContext().spanId}'`)).toBe(1);
  });

  it('answers partial_success for the spans it refuses', async () => {
    const spans = makeSpans([
      { name: 'ok', attributes: { 'portfolio.event.type': 'object_click', 'portfolio.object.id': 'plant', 'session.id': 'partial' } },
      { name: 'bad', attributes: { 'portfolio.event.type': 'object_click', 'portfolio.object.id': 'tuba', 'session.id': 'partial' } },
    ]);
    const response = await post(app, '/v1/traces', tracesBody(spans, encoding), contentType);
    expect(response.statusCode).toBe(200);
    const serializer = encoding === 'protobuf' ? ProtobufTraceSerializer : JsonTraceSerializer;
    const answer = serializer.deserializeResponse(response.rawPayload);
    expect(Number(answer.partialSuccess?.rejectedSpans)).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toContain('unknown_object');
    expect(await countOf(app, "SELECT count() AS n FROM otel_traces WHERE SpanName = 'bad'")).toBe(0);
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'partial'")).toBe(1);
  });

  it('takes gzip bodies', async () => {
    const spans = makeSpans([
      { name: 'gz', attributes: { 'portfolio.event.type': 'page_view', 'session.id': `gzip-${encoding}`, 'url.path': '/about' } },
    ]);
    const response = await post(app, '/v1/traces', gzipSync(tracesBody(spans, encoding)), contentType, { 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(200);
    expect(await countOf(app, `SELECT count() AS n FROM events WHERE session_id = 'gzip-${encoding}'`)).toBe(1);
  });
});

describe('bad OTLP bodies', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers 400 for bodies that cannot be decoded', async () => {
    const garbage = await post(app, '/v1/traces', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), PROTOBUF);
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().code).toBe('FOOTFALL_BAD_OTLP');

    const notJson = await post(app, '/v1/traces', Buffer.from('{"resourceSpans": ['), JSON_TYPE);
    expect(notJson.statusCode).toBe(400);

    const wrongShape = await post(app, '/v1/traces', Buffer.from('{"resourceSpans": {"a": 1}}'), JSON_TYPE);
    expect(wrongShape.statusCode).toBe(400);
    expect(wrongShape.json().message).toContain('array');

    const badGzip = await post(app, '/v1/metrics', Buffer.from('not gzip'), JSON_TYPE, { 'content-encoding': 'gzip' });
    expect(badGzip.statusCode).toBe(400);
  });

  it('answers 415 for other content types and encodings, 413 above the limits', async () => {
    expect((await post(app, '/v1/traces', Buffer.from('x'), 'text/plain')).statusCode).toBe(415);
    expect((await post(app, '/v1/traces', Buffer.from('{}'), JSON_TYPE, { 'content-encoding': 'br' })).statusCode).toBe(415);
    expect((await post(app, '/v1/traces', Buffer.alloc(5 * 1024 * 1024, 0x20), JSON_TYPE)).statusCode).toBe(413);
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    const bombAnswer = await post(app, '/v1/traces', bomb, JSON_TYPE, { 'content-encoding': 'gzip' });
    expect(bombAnswer.statusCode).toBe(413);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
  });
});

describe.each([
  ['protobuf', PROTOBUF],
  ['json', JSON_TYPE],
] as const)('POST /v1/metrics as %s', (encoding, contentType) => {
  it('stores data points and sums browser counters into bounded Prometheus series, once', async () => {
    const app = await testApp();
    try {
      const body = await metricsBody(
        [
          { type: 'object_click', object: 'guitar', value: 3 },
          { type: 'room_enter', value: 2 },
          { type: 'object_click', object: 'spaceship', value: 1 },
          { type: 'warp', value: 5 },
        ],
        encoding,
      );
      for (let i = 0; i < 2; i++) expect((await post(app, '/v1/metrics', body, contentType)).statusCode).toBe(200);

      const metrics = (await app.inject('/metrics')).body;
      expect(metrics).toContain('footfall_browser_events_total{site="portfolio",type="object_click",object="guitar"} 3');
      expect(metrics).toContain('footfall_browser_events_total{site="portfolio",type="room_enter",object=""} 2');
      expect(metrics).toContain('footfall_browser_events_total{site="portfolio",type="object_click",object="other"} 1');
      expect(metrics).toContain('footfall_browser_events_total{site="portfolio",type="other",object=""} 5');

      const points = await queryRows<Record<string, unknown>>(
        app,
        'SELECT name, kind, count, sum, path, service_name FROM metric_points ORDER BY name, kind',
      );
      expect(points.filter((point) => point.name === 'portfolio.events')).toHaveLength(4);
      const lcp = points.find((point) => point.name === 'portfolio.web_vital.lcp');
      expect(lcp).toMatchObject({ kind: 'histogram', sum: 1234, path: '/room', service_name: 'portfolio-web' });
      expect(Number(lcp!.count)).toBe(1);
    } finally {
      await app.close();
    }
  });
});

describe('exactly once across a restart', () => {
  it('stores a request re-sent after the service restarted once', async () => {
    const spans = makeSpans([
      { name: 'click', attributes: { 'portfolio.event.type': 'object_click', 'portfolio.object.id': 'poster', 'session.id': 'restart' } },
    ]);
    const body = tracesBody(spans, 'protobuf');
    const first = await testApp();
    expect((await post(first, '/v1/traces', body, PROTOBUF)).statusCode).toBe(200);
    await first.close();

    const second = await testApp({ dataDir: first.dataDir });
    try {
      expect((await post(second, '/v1/traces', body, PROTOBUF)).statusCode).toBe(200);
      expect(await countOf(second, "SELECT count() AS n FROM events WHERE session_id = 'restart'")).toBe(1);
      expect(await countOf(second, 'SELECT count() AS n FROM otel_traces')).toBe(1);
      expect(await countOf(second, "SELECT sum(events) AS n FROM events_per_minute WHERE object_id = 'poster'")).toBe(1);

      // New data after the restart is stored too (its batches must not look like old ones).
      const fresh = makeSpans([
        { name: 'click', attributes: { 'portfolio.event.type': 'object_click', 'portfolio.object.id': 'poster', 'session.id': 'restart' } },
      ]);
      expect((await post(second, '/v1/traces', tracesBody(fresh, 'protobuf'), PROTOBUF)).statusCode).toBe(200);
      expect(await countOf(second, "SELECT count() AS n FROM events WHERE session_id = 'restart'")).toBe(2);
      expect(await countOf(second, 'SELECT count() AS n FROM otel_traces')).toBe(2);
    } finally {
      await second.close();
    }
  });
});
