// OTLP sent straight to the service, with no Collector in between: what the Collector's
// `transform/privacy` would remove (addresses, end-user ids, headers, query strings) is not stored,
// whether it came on a resource, a span, a span event or link, a data point, a log record, its scope
// or its body.
import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsBody, makeLogRecords } from './support/otel-logs.js';
import { RESOURCE, tracesBody } from './support/otel-requests.js';
import { queryRows, testApp } from './support/test-app.js';

const CONTENT_TYPES = { protobuf: 'application/x-protobuf', json: 'application/json' } as const;
type Encoding = keyof typeof CONTENT_TYPES;

/** A resource with every address the Collector removes from resources, and end-user ids. */
const PRIVATE_RESOURCE: Attributes = {
  ...RESOURCE,
  'host.name': 'kiosk-3',
  'host.ip': '192.0.2.10',
  'host.address': '192.0.2.10',
  'host.addr': '192.0.2.10',
  'host.port': 8443,
  'client.address': '203.0.113.7',
  'network.peer.address': '203.0.113.7',
  'net.peer.ip': '203.0.113.7',
  'net.sock.peer.addr': '203.0.113.7',
  'enduser.id': 'someone@example.com',
};
/** What is stored of it. */
const STORED_RESOURCE = {
  'service.name': RESOURCE['service.name'],
  'service.version': RESOURCE['service.version'],
  'portfolio.site': RESOURCE['portfolio.site'],
  'user_agent.original': RESOURCE['user_agent.original'],
  'host.name': 'kiosk-3',
};

/** Every kind of attribute removed from spans, span events, data points and log records. */
const PRIVATE: Attributes = {
  'client.address': '203.0.113.7',
  'client.port': 51234,
  'network.peer.address': '203.0.113.7',
  'network.peer.port': 443,
  'net.peer.ip': '203.0.113.7',
  'net.peer.port': 443,
  'net.sock.peer.addr': '203.0.113.7',
  'net.sock.peer.port': 51234,
  'http.client_ip': '203.0.113.7',
  'http.request.header.cookie': 'session=secret',
  'http.request.header.authorization': 'Bearer secret',
  'http.response.header.set-cookie': 'session=secret',
  'enduser.id': 'someone@example.com',
  'enduser.role': 'admin',
  'url.query': 'email=someone@example.com',
  'url.full': 'http://localhost:5173/projects?email=someone@example.com#top',
  'http.url': 'http://localhost:5173/projects#email=someone@example.com',
  'http.target': '/projects?email=someone@example.com',
};
/** Kept: the analytics attributes, and names that only look like removed ones. */
const KEPT = {
  'url.path': '/projects',
  'portfolio.object.id': 'guitar',
  'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
  'http.request.method': 'GET',
  'http.response.status_code': '200',
  'network.protocol.name': 'http',
  'host.name': 'kiosk-3',
};
/** What is stored of PRIVATE and KEPT together. */
const STORED = {
  ...KEPT,
  'url.full': 'http://localhost:5173/projects',
  'http.url': 'http://localhost:5173/projects',
  'http.target': '/projects',
};

function spansBody(marker: string, encoding: Encoding): { body: Buffer; spanId: string } {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes(PRIVATE_RESOURCE),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const span = provider.getTracer('footfall-privacy-test').startSpan('page_view', {
    attributes: { ...PRIVATE, ...KEPT, 'portfolio.event.type': 'page_view', 'session.id': marker },
  });
  span.addEvent('click', { ...PRIVATE, ...KEPT });
  span.addLink({ context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }, attributes: { ...PRIVATE, ...KEPT } });
  span.end();
  const [finished] = exporter.getFinishedSpans();
  return { body: tracesBody([finished!], encoding), spanId: finished!.spanContext().spanId };
}

/** A reader collected by hand, with delta temporality as browsers send. */
class CollectOnDemand extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

async function metricBody(marker: string, encoding: Encoding): Promise<Buffer> {
  const reader = new CollectOnDemand();
  const provider = new MeterProvider({ resource: resourceFromAttributes(PRIVATE_RESOURCE), readers: [reader] });
  provider
    .getMeter('footfall-privacy-test')
    .createHistogram(`privacy.${marker}`, { unit: 'ms' })
    .record(1234, { ...PRIVATE, ...KEPT });
  const { resourceMetrics } = await reader.collect();
  const serializer = encoding === 'protobuf' ? ProtobufMetricsSerializer : JsonMetricsSerializer;
  return Buffer.from(serializer.serializeRequest(resourceMetrics)!);
}

/** A browser page-view event's body: its URLs with queries, and what attributes must not carry. */
const PAGE_VIEW_BODY = {
  type: 0,
  url: 'http://localhost:5173/projects?email=someone@example.com#top',
  referrer: 'https://search.example/results?q=my+name',
  title: 'Projects',
  'enduser.id': 'someone@example.com',
  'http.request.header.cookie': 'session=secret',
};
/** What is stored of it: the body as JSON, its queries and private keys gone. */
const STORED_PAGE_VIEW_BODY = JSON.stringify({
  type: 0,
  url: 'http://localhost:5173/projects',
  referrer: 'https://search.example/results',
  title: 'Projects',
});

describe('OTLP sent straight to the service stores nothing the Collector would remove', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (url: string, body: Buffer, encoding: Encoding) =>
    app.inject({ method: 'POST', url, headers: { 'content-type': CONTENT_TYPES[encoding] }, payload: body });

  it.each(['protobuf', 'json'] as const)('from a span, its event, its link and its resource (%s)', async (encoding) => {
    const marker = `privacy-span-${encoding}`;
    const { body, spanId } = spansBody(marker, encoding);
    expect((await post('/v1/traces', body, encoding)).statusCode).toBe(200);

    const [trace] = await queryRows<Record<string, unknown>>(
      app,
      `SELECT SpanAttributes, ResourceAttributes, Events.Attributes AS EventAttributes, Links.Attributes AS LinkAttributes
       FROM otel_traces WHERE SpanId = '${spanId}'`,
    );
    expect(trace).toEqual({
      SpanAttributes: { ...STORED, 'portfolio.event.type': 'page_view', 'session.id': marker },
      ResourceAttributes: STORED_RESOURCE,
      EventAttributes: [STORED],
      LinkAttributes: [STORED],
    });
    // The span is an analytics event too, stored as ever.
    const events = await queryRows(app, `SELECT type, path FROM events WHERE session_id = '${marker}'`);
    expect(events).toEqual([{ type: 'page_view', path: '/projects' }]);
  });

  it.each(['protobuf', 'json'] as const)('from a data point (%s)', async (encoding) => {
    const marker = `point_${encoding}`;
    expect((await post('/v1/metrics', await metricBody(marker, encoding), encoding)).statusCode).toBe(200);

    const points = await queryRows(app, `SELECT attributes, path FROM metric_points WHERE name = 'privacy.${marker}'`);
    expect(points).toEqual([{ attributes: STORED, path: '/projects' }]);
  });

  it.each(['protobuf', 'json'] as const)('from a log record and its resource (%s)', async (encoding) => {
    const marker = `privacy-log-${encoding}`;
    const records = makeLogRecords(
      [
        { body: `line ${marker}`, severityNumber: 9, severityText: 'INFO', attributes: { ...PRIVATE, ...KEPT } },
        // A record that is an analytics event.
        { eventName: 'page_view', attributes: { ...PRIVATE, ...KEPT, 'session.id': marker } },
      ],
      PRIVATE_RESOURCE,
    );
    expect((await post('/v1/logs', logsBody(records, encoding), encoding)).statusCode).toBe(200);

    const logs = await queryRows(app, `SELECT LogAttributes, ResourceAttributes FROM otel_logs WHERE Body = 'line ${marker}'`);
    expect(logs).toEqual([{ LogAttributes: STORED, ResourceAttributes: STORED_RESOURCE }]);
    const events = await queryRows(app, `SELECT type, path FROM events WHERE session_id = '${marker}'`);
    expect(events).toEqual([{ type: 'page_view', path: '/projects' }]);
  });

  it.each(['protobuf', 'json'] as const)('from a log body, text or key-value list, and the scope (%s)', async (encoding) => {
    const marker = `privacy-body-${encoding}`;
    const records = makeLogRecords(
      [
        { eventName: 'browser.page_view', body: PAGE_VIEW_BODY, attributes: { 'test.marker': marker } },
        { body: `GET ${PRIVATE['url.full']} failed: 503`, severityText: 'WARN', attributes: { 'test.marker': marker } },
      ],
      RESOURCE,
      { ...PRIVATE, ...KEPT },
    );
    expect((await post('/v1/logs', logsBody(records, encoding), encoding)).statusCode).toBe(200);

    const logs = await queryRows(
      app,
      `SELECT Body, ScopeAttributes FROM otel_logs WHERE LogAttributes['test.marker'] = '${marker}' ORDER BY EventName DESC`,
    );
    expect(logs).toEqual([
      { Body: STORED_PAGE_VIEW_BODY, ScopeAttributes: STORED },
      { Body: 'GET http://localhost:5173/projects failed: 503', ScopeAttributes: STORED },
    ]);
  });
});
