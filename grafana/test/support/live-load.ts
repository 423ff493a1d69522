// A short burst of live traffic for a running stack: beacons straight to the ingest service,
// analytics spans and the browser's event counter through the Collector, plus a few requests
// the service must refuse (a bot, an unknown object), so every pipeline series has data.
import { randomUUID } from 'node:crypto';
import { JsonMetricsSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const BOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const RESOURCE = { 'service.name': 'portfolio-web', 'portfolio.site': 'portfolio', 'user_agent.original': BROWSER_UA };

export interface LoadTargets {
  ingest: string;
  collectorOtlpHttp: string;
}

async function post(url: string, body: string | Uint8Array, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : Buffer.from(body), headers });
  await response.arrayBuffer();
  return response.status;
}

function beacon(session: string, type: string, fields: Record<string, unknown> = {}) {
  return { id: `live-${randomUUID()}`, type, ts: Date.now(), session, path: '/room', ...fields };
}

async function sendBeacons(ingest: string, round: number): Promise<void> {
  const session = `live-session-${round}`;
  const events = [
    beacon(session, 'page_view'),
    beacon(session, 'room_enter', { room: 'studio' }),
    beacon(session, 'object_view', { object: 'guitar' }),
    beacon(session, 'object_click', { object: 'guitar' }),
    beacon(session, 'room_exit', { room: 'studio' }),
  ];
  const status = await post(`${ingest}/v1/beacon`, JSON.stringify({ site: 'portfolio', events }), {
    'content-type': 'text/plain',
    'user-agent': BROWSER_UA,
  });
  if (status !== 202) throw new Error(`beacon answered ${status}`);
  if (round % 4 === 0) {
    // Refused on purpose: a crawler, and an object the catalog does not have.
    await post(`${ingest}/v1/beacon`, JSON.stringify(beacon(session, 'page_view', { site: 'portfolio' })), {
      'content-type': 'text/plain',
      'user-agent': BOT_UA,
    });
    await post(`${ingest}/v1/beacon`, JSON.stringify(beacon(session, 'object_click', { site: 'portfolio', object: 'sofa' })), {
      'content-type': 'text/plain',
      'user-agent': BROWSER_UA,
    });
  }
}

async function sendSpans(collector: string, round: number): Promise<void> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes(RESOURCE),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('footfall-live-load');
  for (const type of ['page_view', 'object_view', 'object_click']) {
    tracer
      .startSpan(type, {
        attributes: {
          'portfolio.event.type': type,
          'portfolio.event.id': `live-span-${randomUUID()}`,
          'session.id': `live-otlp-${round}`,
          'url.path': '/room',
          ...(type === 'page_view' ? {} : { 'portfolio.object.id': 'laptop' }),
        },
      })
      .end();
  }
  const body = JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans())!;
  const status = await post(`${collector}/v1/traces`, body, { 'content-type': 'application/json' });
  if (status !== 200) throw new Error(`Collector /v1/traces answered ${status}`);
  await provider.shutdown();
}

class CollectOnDemand extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** The browser tier's `portfolio.events` counter for the events of one round. */
async function sendBrowserCounts(collector: string): Promise<void> {
  const reader = new CollectOnDemand();
  const provider = new MeterProvider({ resource: resourceFromAttributes(RESOURCE), readers: [reader] });
  const counter = provider.getMeter('footfall-live-load').createCounter('portfolio.events');
  counter.add(1, { 'portfolio.event.type': 'page_view' });
  counter.add(1, { 'portfolio.event.type': 'object_click', 'portfolio.object.id': 'guitar' });
  counter.add(6, { 'portfolio.event.type': 'object_view', 'portfolio.object.id': 'guitar' });
  const { resourceMetrics } = await reader.collect();
  const status = await post(`${collector}/v1/metrics`, JsonMetricsSerializer.serializeRequest(resourceMetrics)!, {
    'content-type': 'application/json',
  });
  if (status !== 200) throw new Error(`Collector /v1/metrics answered ${status}`);
  await provider.shutdown();
}

/** Sends `rounds` rounds of traffic, one every `everyMs`. */
export async function sendLiveLoad(targets: LoadTargets, rounds: number, everyMs: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await Promise.all([
      sendBeacons(targets.ingest, round),
      sendSpans(targets.collectorOtlpHttp, round),
      sendBrowserCounts(targets.collectorOtlpHttp),
    ]);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
