// "The same id is stored once, however often it is sent": beacons, OTLP spans and OTLP data
// points repeated within one request, across requests and after a restart. Each case checks the
// rows in ClickHouse, the answer's `duplicates` (beacons) and footfall_events_duplicate_total.
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSpans, metricsBody, tracesBody } from './support/otel-requests.js';
import { metricValue } from './support/prometheus-text.js';
import { beaconEvent, countOf, postBeacon, testApp } from './support/test-app.js';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

const duplicatesCounted = (app: FastifyInstance, source: 'beacon' | 'otlp') =>
  metricValue(app, 'footfall_events_duplicate_total', { source });

const postOtlp = (app: FastifyInstance, url: string, body: Buffer | string, contentType: string) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload: body });

const clickSpans = (session: string, objects: string[]) =>
  makeSpans(
    objects.map((object) => ({
      name: 'object.click',
      attributes: { 'portfolio.event.type': 'object_click', 'portfolio.object.id': object, 'session.id': session },
    })),
  );

describe('beacons sent again', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('stores an id repeated within one request once and answers how many were duplicates', async () => {
    const before = await duplicatesCounted(app, 'beacon');
    const a = beaconEvent({ session: 'dup-within' });
    const b = beaconEvent({ session: 'dup-within', type: 'object_click', object: 'guitar' });
    const response = await postBeacon(app, { events: [a, b, a, a] });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ accepted: 2, duplicates: 2, refused: [] });
    expect((await duplicatesCounted(app, 'beacon')) - before).toBe(2);
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'dup-within'")).toBe(2);
  });

  it('stores an id sent again in a later request once, still answering 202', async () => {
    const before = await duplicatesCounted(app, 'beacon');
    const clicksBefore = await metricValue(app, 'footfall_object_clicks_total', { site: 'portfolio', object: 'camera' });
    const c = beaconEvent({ session: 'dup-across', type: 'object_click', object: 'camera' });
    const d = beaconEvent({ session: 'dup-across' });
    const e = beaconEvent({ session: 'dup-across' });
    expect((await postBeacon(app, { events: [c, d] })).json()).toEqual({ accepted: 2, duplicates: 0, refused: [] });
    const again = await postBeacon(app, { events: [c, d, e] });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ accepted: 1, duplicates: 2, refused: [] });
    const onlyRepeats = await postBeacon(app, { events: [c] });
    expect(onlyRepeats.statusCode).toBe(202);
    expect(onlyRepeats.json()).toEqual({ accepted: 0, duplicates: 1, refused: [] });

    expect((await duplicatesCounted(app, 'beacon')) - before).toBe(3);
    // A repeat is not counted as accepted either: the click counter moved once.
    expect((await metricValue(app, 'footfall_object_clicks_total', { site: 'portfolio', object: 'camera' })) - clicksBefore).toBe(1);
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'dup-across'")).toBe(3);
    expect(await countOf(app, "SELECT sum(events) AS n FROM events_per_minute WHERE object_id = 'camera'")).toBe(1);
  });

  it('counts refused events apart from duplicates', async () => {
    const before = await duplicatesCounted(app, 'beacon');
    const f = beaconEvent({ session: 'dup-mixed' });
    const response = await postBeacon(app, { events: [f, beaconEvent({ type: 'teleport' }), f] });
    expect(response.json()).toMatchObject({
      accepted: 1,
      duplicates: 1,
      refused: [{ index: 1, reason: 'unknown_type', value: 'teleport' }],
    });
    expect((await duplicatesCounted(app, 'beacon')) - before).toBe(1);
  });
});

describe('beacons sent again after a restart', () => {
  it('recognises ids ClickHouse already holds from before the restart', async () => {
    const first = await testApp();
    const a = beaconEvent({ session: 'dup-restart' });
    const b = beaconEvent({ session: 'dup-restart', type: 'object_click', object: 'poster' });
    expect((await postBeacon(first, { events: [a, b] })).json()).toEqual({ accepted: 2, duplicates: 0, refused: [] });
    await first.close();

    const second = await testApp({ dataDir: first.dataDir });
    try {
      const c = beaconEvent({ session: 'dup-restart' });
      const response = await postBeacon(second, { events: [a, b, c] });
      expect(response.json()).toEqual({ accepted: 1, duplicates: 2, refused: [] });
      expect(await duplicatesCounted(second, 'beacon')).toBe(2);
      expect(await countOf(second, "SELECT count() AS n FROM events WHERE session_id = 'dup-restart'")).toBe(3);
      expect(await countOf(second, "SELECT sum(events) AS n FROM events_per_minute WHERE object_id = 'poster'")).toBe(1);
    } finally {
      await second.close();
    }
  });
});

describe('OTLP spans sent again', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('stores a span repeated within one request once, as a trace and as an event', async () => {
    const before = await duplicatesCounted(app, 'otlp');
    const [first, second] = clickSpans('otlp-within', ['guitar', 'laptop']);
    // The SDK never repeats a span; its serializer writes whatever list it is given.
    const body = Buffer.from(JsonTraceSerializer.serializeRequest([first!, first!, second!])!);
    expect((await postOtlp(app, '/v1/traces', body, JSON_TYPE)).statusCode).toBe(200);
    expect((await duplicatesCounted(app, 'otlp')) - before).toBe(1);
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'otlp-within'")).toBe(2);
    expect(
      await countOf(
        app,
        `SELECT count() AS n FROM otel_traces WHERE SpanId IN ('${first!.spanContext().spanId}', '${second!.spanContext().spanId}')`,
      ),
    ).toBe(2);
  });

  it('stores a request re-sent by the Collector once and counts each repeated event', async () => {
    const before = await duplicatesCounted(app, 'otlp');
    const spans = clickSpans('otlp-across', ['bookshelf', 'camera', 'plant']);
    const body = tracesBody(spans, 'protobuf');
    for (let attempt = 0; attempt < 3; attempt++) expect((await postOtlp(app, '/v1/traces', body, PROTOBUF)).statusCode).toBe(200);
    expect((await duplicatesCounted(app, 'otlp')) - before).toBe(6);
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'otlp-across'")).toBe(3);
    expect(
      await countOf(
        app,
        `SELECT count() AS n FROM otel_traces WHERE SpanId IN (${spans.map((s) => `'${s.spanContext().spanId}'`).join(',')})`,
      ),
    ).toBe(3);
  });

  it('stores an event sent both as a beacon and as a span (mode "both") once', async () => {
    const beforeOtlp = await duplicatesCounted(app, 'otlp');
    const event = beaconEvent({ session: 'both-tiers', type: 'object_click', object: 'record-player' });
    expect((await postBeacon(app, { events: [event] })).json()).toEqual({ accepted: 1, duplicates: 0, refused: [] });
    const spans = makeSpans([
      {
        name: 'portfolio.object_click',
        attributes: {
          'portfolio.event.type': 'object_click',
          'portfolio.event.id': String(event.id),
          'portfolio.object.id': 'record-player',
          'session.id': 'both-tiers',
        },
      },
    ]);
    expect((await postOtlp(app, '/v1/traces', tracesBody(spans, 'protobuf'), PROTOBUF)).statusCode).toBe(200);
    expect((await duplicatesCounted(app, 'otlp')) - beforeOtlp).toBe(1);
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'both-tiers'")).toBe(1);
    // The span itself is still a trace.
    expect(await countOf(app, `SELECT count() AS n FROM otel_traces WHERE SpanId = '${spans[0]!.spanContext().spanId}'`)).toBe(1);
  });
});

describe('OTLP spans sent again after a restart', () => {
  it('recognises span ids ClickHouse already holds from before the restart', async () => {
    const spans = clickSpans('otlp-restart', ['guitar', 'poster']);
    const body = tracesBody(spans, 'json');
    const first = await testApp();
    expect((await postOtlp(first, '/v1/traces', body, JSON_TYPE)).statusCode).toBe(200);
    await first.close();

    const second = await testApp({ dataDir: first.dataDir });
    try {
      expect((await postOtlp(second, '/v1/traces', body, JSON_TYPE)).statusCode).toBe(200);
      expect(await duplicatesCounted(second, 'otlp')).toBe(2);
      expect(await countOf(second, "SELECT count() AS n FROM events WHERE session_id = 'otlp-restart'")).toBe(2);
      expect(await countOf(second, 'SELECT count() AS n FROM otel_traces')).toBe(2);
    } finally {
      await second.close();
    }
  });
});

describe('OTLP data points sent again', () => {
  const browserClicks = (app: FastifyInstance) =>
    metricValue(app, 'footfall_browser_events_total', { site: 'portfolio', type: 'object_click', object: 'guitar' });

  it('stores a data point once within a request, across requests and after a restart, and sums browser counters once', async () => {
    const first = await testApp();
    // One counter point (3 guitar clicks) and one LCP histogram point.
    const body = await metricsBody([{ type: 'object_click', object: 'guitar', value: 3 }], 'json');
    const parsed = JSON.parse(body.toString('utf8')) as { resourceMetrics: unknown[] };
    const doubled = JSON.stringify({ resourceMetrics: [...parsed.resourceMetrics, ...parsed.resourceMetrics] });

    expect((await postOtlp(first, '/v1/metrics', doubled, JSON_TYPE)).statusCode).toBe(200);
    expect(await duplicatesCounted(first, 'otlp')).toBe(2);
    expect(await browserClicks(first)).toBe(3);
    expect(await countOf(first, 'SELECT count() AS n FROM metric_points')).toBe(2);

    expect((await postOtlp(first, '/v1/metrics', body, JSON_TYPE)).statusCode).toBe(200);
    expect(await duplicatesCounted(first, 'otlp')).toBe(4);
    expect(await browserClicks(first)).toBe(3);
    expect(await countOf(first, 'SELECT count() AS n FROM metric_points')).toBe(2);
    await first.close();

    const second = await testApp({ dataDir: first.dataDir });
    try {
      expect((await postOtlp(second, '/v1/metrics', body, JSON_TYPE)).statusCode).toBe(200);
      expect(await duplicatesCounted(second, 'otlp')).toBe(2);
      expect(await browserClicks(second)).toBe(0);
      expect(await countOf(second, 'SELECT count() AS n FROM metric_points')).toBe(2);
    } finally {
      await second.close();
    }
  });
});
