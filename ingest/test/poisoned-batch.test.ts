/// <reference lib="es2024.string" />
import { randomBytes } from 'node:crypto';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSpans } from './support/otel-requests.js';
import { BROWSER_UA, beaconEvent, countOf, postBeacon, queryRows, testApp } from './support/test-app.js';

// One visitor's text must never cost another visitor's data. A lone UTF-16 surrogate is valid in a
// JavaScript string and in JSON ("\ud800"), but not in UTF-8: ClickHouse refused the whole batch
// it sat in, after every event in that batch had been answered 202.

const HIGH = '\ud800';
const LOW = '\udc00';
const REPLACEMENT = '\ufffd';

/** A batch interval longer than the test: everything sent lands in one batch, written when the test flushes. */
const ONE_BATCH = { batchIntervalMs: 600_000 };

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** An OTLP/JSON traces body written by hand, so a lone surrogate escape reaches the service as sent. */
function jsonTraces(spans: Array<{ name: string; attributes: Record<string, string> }>, resource: Record<string, string> = {}): string {
  const keyValues = (attributes: Record<string, string>) =>
    Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } }));
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: keyValues({ 'service.name': 'portfolio-web', 'portfolio.site': 'portfolio', ...resource }) },
        scopeSpans: [
          {
            scope: { name: 'poison' },
            spans: spans.map(({ name, attributes }) => ({
              traceId: hex(16),
              spanId: hex(8),
              name,
              kind: 1,
              startTimeUnixNano: String(now),
              endTimeUnixNano: String(now + 5_000_000n),
              attributes: keyValues(attributes),
            })),
          },
        ],
      },
    ],
  });
}

const postJson = (app: FastifyInstance, url: string, body: string) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA }, payload: body });

/** Every string ClickHouse holds for these rows is valid UTF-8: no U+FFFD from a bad byte, no CESU surrogate bytes. */
async function invalidUtf8Rows(app: FastifyInstance, table: string, columns: string): Promise<number> {
  return countOf(app, `SELECT count() AS n FROM ${table} WHERE NOT isValidUTF8(toString((${columns})))`);
}

describe('a lone surrogate among other clients’ events in one batch', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp(ONE_BATCH);
  });
  afterAll(async () => {
    await app.close();
  });

  it('stores all 20 clients’ events, and the poisoned beacon with its text repaired', async () => {
    for (let client = 0; client < 20; client++) {
      const response = await app.inject({
        method: 'POST',
        url: client % 2 === 0 ? '/v1/beacon' : '/track',
        remoteAddress: `203.0.113.${client + 1}`,
        headers: { 'content-type': 'text/plain', 'user-agent': `${BROWSER_UA} client/${client}` },
        payload: JSON.stringify(beaconEvent({ session: `client-${client}`, path: `/page/${client}` })),
      });
      expect(response.statusCode, response.body).toBe(202);
    }
    const poisoned = await postBeacon(app, {
      site: 'portfolio',
      events: [
        beaconEvent({ session: 'poisoned', path: `/a${HIGH}b`, props: { note: `x${HIGH}`, [`key${LOW}`]: 'v' } }),
        beaconEvent({ session: 'poisoned', type: 'navigation', from: `/${LOW}`, to: `/${HIGH}`, referrer: `https://example.org/${HIGH}` }),
      ],
    });
    expect(poisoned.statusCode, poisoned.body).toBe(202);
    expect(poisoned.json()).toEqual({ accepted: 2, duplicates: 0, refused: [] });

    expect(await countOf(app, "SELECT count() AS n FROM events WHERE startsWith(session_id, 'client-')")).toBe(20);
    const repaired = await queryRows<{ path: string; props: Record<string, string>; nav_from: string; nav_to: string }>(
      app,
      "SELECT path, props, nav_from, nav_to FROM events WHERE session_id = 'poisoned' ORDER BY type DESC",
    );
    expect(repaired).toEqual([
      { path: `/a${REPLACEMENT}b`, props: { note: `x${REPLACEMENT}`, [`key${REPLACEMENT}`]: 'v' }, nav_from: '', nav_to: '' },
      { path: '/', props: {}, nav_from: `/${REPLACEMENT}`, nav_to: `/${REPLACEMENT}` },
    ]);
    expect(await invalidUtf8Rows(app, 'events', 'path, props, nav_from, nav_to')).toBe(0);
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toContain('footfall_rows_quarantined_total{table="events"} 0');
    expect(metrics).not.toMatch(/footfall_write_failures_total\{table="events"\} [1-9]/);
  });

  it('refuses an id that is not well-formed instead of repairing it (two ids must never become one)', async () => {
    const response = await postBeacon(app, {
      events: [beaconEvent({ session: `s${HIGH}` }), beaconEvent({ session: 'healthy-session' })],
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({
      accepted: 1,
      duplicates: 0,
      refused: [{ index: 0, reason: 'invalid_field', value: 'session' }],
    });
  });
});

describe('lone surrogates over OTLP', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp(ONE_BATCH);
  });
  afterAll(async () => {
    await app.close();
  });

  it('stores a poisoned span and a legitimate span of the same request, repaired, over JSON', async () => {
    const body = jsonTraces(
      [
        {
          name: `click${HIGH}`,
          attributes: {
            'portfolio.event.type': 'object_click',
            'portfolio.object.id': 'guitar',
            'session.id': 'otlp-json',
            'url.path': `/r${LOW}`,
            [`portfolio.props.k${HIGH}`]: `v${LOW}`,
          },
        },
        { name: 'legitimate', attributes: { 'portfolio.event.type': 'page_view', 'session.id': 'otlp-json', 'url.path': '/about' } },
      ],
      { 'service.version': `1${HIGH}` },
    );
    const response = await postJson(app, '/v1/traces', body);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({});

    const spans = await queryRows<{ SpanName: string; ResourceAttributes: Record<string, string> }>(
      app,
      "SELECT SpanName, ResourceAttributes FROM otel_traces WHERE ScopeName = 'poison' ORDER BY SpanName",
    );
    expect(spans.map((span) => span.SpanName)).toEqual([`click${REPLACEMENT}`, 'legitimate']);
    expect(spans[0]!.ResourceAttributes['service.version']).toBe(`1${REPLACEMENT}`);
    const events = await queryRows<{ type: string; path: string; props: Record<string, string> }>(
      app,
      "SELECT type, path, props FROM events WHERE session_id = 'otlp-json' ORDER BY type",
    );
    expect(events).toEqual([
      { type: 'object_click', path: `/r${REPLACEMENT}`, props: { [`k${REPLACEMENT}`]: `v${REPLACEMENT}` } },
      { type: 'page_view', path: '/about', props: {} },
    ]);
    expect(await invalidUtf8Rows(app, 'otel_traces', 'SpanName, SpanAttributes, ResourceAttributes')).toBe(0);
    expect(await invalidUtf8Rows(app, 'events', 'path, props')).toBe(0);
  });

  it('refuses (400, nothing acknowledged) a protobuf body whose strings hold the bytes of a lone surrogate', async () => {
    // Three placeholder bytes in the name, replaced after encoding by the three bytes of a lone
    // surrogate in CESU-8 (ED A0 80), which is not UTF-8: the field lengths stay right. Protobuf
    // strings must be UTF-8, and the decoder says so instead of guessing.
    const placeholder = '~~~';
    const [span] = makeSpans([
      { name: `proto${placeholder}`, attributes: { 'portfolio.event.type': 'page_view', 'session.id': 'otlp-proto' } },
    ]);
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest([span!])!);
    const poisoned = Buffer.from(body.toString('latin1').replace(placeholder, '\xed\xa0\x80'), 'latin1');
    expect(poisoned.length).toBe(body.length);
    expect(poisoned.includes(Buffer.from([0xed, 0xa0, 0x80]))).toBe(true);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/x-protobuf' },
      payload: poisoned,
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ code: 'FOOTFALL_BAD_OTLP', message: expect.stringContaining('utf-8') });
    expect(await countOf(app, "SELECT count() AS n FROM otel_traces WHERE startsWith(SpanName, 'proto')")).toBe(0);
  });

  it('stores metric points whose attributes and resource hold lone surrogates', async () => {
    const now = String(BigInt(Date.now()) * 1_000_000n);
    const body = JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: `web${LOW}` } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: `portfolio.web_vital.lcp${HIGH}`,
                  gauge: {
                    dataPoints: [
                      { timeUnixNano: now, asDouble: 1200, attributes: [{ key: 'url.path', value: { stringValue: `/m${HIGH}` } }] },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const response = await postJson(app, '/v1/metrics', body);
    expect(response.statusCode, response.body).toBe(200);
    const points = await queryRows<{ name: string; service_name: string; path: string }>(
      app,
      "SELECT name, service_name, path FROM metric_points WHERE startsWith(name, 'portfolio.web_vital.lcp')",
    );
    expect(points).toEqual([
      { name: `portfolio.web_vital.lcp${REPLACEMENT}`, service_name: `web${REPLACEMENT}`, path: `/m${REPLACEMENT}` },
    ]);
  });

  it('the JSON serializer of the SDK escapes lone surrogates the same way, and those spans are stored too', async () => {
    const spans = makeSpans([{ name: `sdk${LOW}`, attributes: { 'portfolio.event.type': 'page_view', 'session.id': 'otlp-sdk-json' } }]);
    const body = Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(response.statusCode).toBe(200);
    expect(await countOf(app, `SELECT count() AS n FROM otel_traces WHERE SpanName = 'sdk${REPLACEMENT}'`)).toBe(1);
  });
});
