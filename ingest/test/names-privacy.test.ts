// Names a sender chooses (a span's, a span event's, a log record's event name, a metric's) obey the
// privacy rules attributes do (src/otlp/name-privacy.ts): a URL's or a path's query and fragment
// are cut and an e-mail address is masked, in the functions and in every row stored from them.
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanData } from '../src/otlp/traces/span-data.js';
import { EMAIL_MASK, nameWithoutPrivate } from '../src/otlp/name-privacy.js';
import { logRecordWithoutPrivate, spanWithoutPrivate } from '../src/otlp/privacy.js';
import { NAME_SAMPLES } from './support/name-samples.js';
import { logsBody, makeLogRecords } from './support/otel-logs.js';
import { RESOURCE, tracesBody } from './support/otel-requests.js';
import { queryRows, testApp } from './support/test-app.js';

describe('nameWithoutPrivate()', () => {
  it.each(NAME_SAMPLES)('%j is stored as %j', (sent, stored) => {
    expect(nameWithoutPrivate(sent)).toBe(stored);
  });

  it('masks every address with the same text', () => {
    expect(nameWithoutPrivate('a@example.com to b@example.org')).toBe(`${EMAIL_MASK} to ${EMAIL_MASK}`);
  });
});

const span = (fields: Partial<SpanData>): SpanData => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  parentSpanId: '',
  traceState: '',
  name: 'page_view',
  kind: 1,
  startNs: 1n,
  endNs: 2n,
  attributes: { 'url.path': '/' },
  events: [],
  links: [],
  statusCode: 0,
  statusMessage: '',
  ...fields,
});

describe('names in spans and log records', () => {
  it("cleans a span's name and its events' names, the span sent untouched", () => {
    const event = { timeNs: 1n, name: 'mail someone@example.com', attributes: {} };
    const sent = span({ name: 'GET /reset?token=s3cret', events: [event] });
    const cleaned = spanWithoutPrivate(sent);
    expect(cleaned.name).toBe('GET /reset');
    expect(cleaned.events).toEqual([{ timeNs: 1n, name: `mail ${EMAIL_MASK}`, attributes: {} }]);
    expect(cleaned.attributes).toBe(sent.attributes);
    expect(sent.name).toBe('GET /reset?token=s3cret');
    expect(event.name).toBe('mail someone@example.com');
  });

  it('returns the same span when its names are clean', () => {
    const clean = span({ name: 'GET /reset', events: [{ timeNs: 1n, name: 'click #submit', attributes: {} }] });
    expect(spanWithoutPrivate(clean)).toBe(clean);
  });

  it("cleans a log record's event name and its `event.name` attribute, keeping the attributes' order", () => {
    const sent = {
      eventName: 'GET /reset?token=s3cret',
      attributes: { a: '1', 'event.name': 'mail someone@example.com', b: '2' },
      body: null,
    };
    const cleaned = logRecordWithoutPrivate(sent);
    expect(cleaned.eventName).toBe('GET /reset');
    expect(Object.entries(cleaned.attributes)).toEqual([
      ['a', '1'],
      ['event.name', `mail ${EMAIL_MASK}`],
      ['b', '2'],
    ]);
    expect(sent.attributes['event.name']).toBe('mail someone@example.com');
    const clean = { eventName: 'page_view', attributes: { 'event.name': 'page_view' }, body: 'a line' };
    expect(logRecordWithoutPrivate(clean)).toBe(clean);
  });
});

/** What no stored row may hold. */
const SECRET = 's3cret-token';
const ADDRESS = 'someone@example.com';
const expectClean = (rows: unknown[], what: string) => {
  expect(rows.length, what).toBeGreaterThan(0);
  const text = JSON.stringify(rows);
  expect(text, what).not.toContain(SECRET);
  expect(text, what).not.toContain(ADDRESS);
  expect(text, what).not.toContain('#top');
};

/** A metrics request as any sender may make it (the SDK refuses such names, other senders do not). */
function metricsRequest(name: string, marker: string): string {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: Object.entries(RESOURCE).map(([key, value]) => ({ key, value: { stringValue: value } })) },
        scopeMetrics: [
          {
            scope: { name: 'footfall-test' },
            metrics: [
              {
                name,
                gauge: {
                  dataPoints: [
                    {
                      timeUnixNano: String(nowNs),
                      asDouble: 1.5,
                      attributes: [{ key: 'test.marker', value: { stringValue: marker } }],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

describe('stored rows hold no query and no e-mail address from a name', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it.each(['protobuf', 'json'] as const)('a span, its event, and the analytics event it carries (%s)', async (encoding) => {
    const marker = `name-span-${encoding}`;
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes(RESOURCE),
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const sent = provider.getTracer('footfall-test').startSpan(`GET https://example.com/reset?token=${SECRET}#top`, {
      attributes: { 'portfolio.event.type': 'page_view', 'session.id': marker, 'url.path': '/reset' },
    });
    sent.addEvent(`mail ${ADDRESS}`);
    sent.end();
    const [finished] = exporter.getFinishedSpans();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json' },
      payload: tracesBody([finished!], encoding),
    });
    expect(response.statusCode).toBe(200);

    const traces = await queryRows(app, `SELECT * FROM otel_traces WHERE SpanAttributes['session.id'] = '${marker}'`);
    expect(traces.map((row) => [row.SpanName, row['Events.Name']])).toEqual([['GET https://example.com/reset', [`mail ${EMAIL_MASK}`]]]);
    expectClean(traces, 'otel_traces');
    const events = await queryRows(app, `SELECT * FROM events WHERE session_id = '${marker}'`);
    expect(events).toHaveLength(1);
    expectClean(events, 'events');
  });

  it.each(['protobuf', 'json'] as const)('a log record, by its event name or its event.name attribute (%s)', async (encoding) => {
    const marker = `name-log-${encoding}`;
    const records = makeLogRecords([
      { eventName: `GET /reset?token=${SECRET}#top`, body: 'by event name', attributes: { 'test.marker': marker } },
      { body: 'by attribute', attributes: { 'test.marker': marker, 'event.name': `mail ${ADDRESS}` } },
      // An analytics event, named by a catalog type: the event made from it holds nothing either.
      { eventName: 'page_view', attributes: { 'session.id': marker, 'url.path': '/reset', 'event.name': `mail ${ADDRESS}` } },
    ]);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { 'content-type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json' },
      payload: logsBody(records, encoding),
    });
    expect(response.statusCode).toBe(200);

    const logs = await queryRows<Record<string, unknown>>(
      app,
      `SELECT * FROM otel_logs WHERE LogAttributes['test.marker'] = '${marker}' ORDER BY Body DESC`,
    );
    expect(logs.map((row) => [row.Body, row.EventName])).toEqual([
      ['by event name', 'GET /reset'],
      ['by attribute', `mail ${EMAIL_MASK}`],
    ]);
    expectClean(logs, 'otel_logs');
    const events = await queryRows(app, `SELECT * FROM events WHERE session_id = '${marker}'`);
    expect(events).toHaveLength(1);
    expectClean(events, 'events');
  });

  it('a metric', async () => {
    const marker = 'name-metric';
    const response = await app.inject({
      method: 'POST',
      url: '/v1/metrics',
      headers: { 'content-type': 'application/json' },
      payload: metricsRequest(`/checkout?token=${SECRET}#top ${ADDRESS}`, marker),
    });
    expect(response.statusCode).toBe(200);
    const points = await queryRows<Record<string, unknown>>(
      app,
      `SELECT * FROM metric_points WHERE attributes['test.marker'] = '${marker}'`,
    );
    expect(points.map((row) => row.name)).toEqual([`/checkout ${EMAIL_MASK}`]);
    expectClean(points, 'metric_points');
  });
});
