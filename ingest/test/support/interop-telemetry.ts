// One case of the interop matrix: spans, a metric and log records made by the OpenTelemetry JS SDK
// and sent by the exporters under test (the caller brings them: OTLP/HTTP JSON or protobuf, or
// gRPC), each request sent twice as an SDK retry would. What one case must leave in ClickHouse is
// counted by the queries below, so every transport is held to the same numbers. It runs in Node
// and, bundled, in Chromium: nothing here may need Node.
import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

/** The part of an SDK exporter the matrix uses: export, answered through a callback. */
interface Exporter<Items> {
  export(items: Items, done: (result: { code: number; error?: Error }) => void): void;
  shutdown(): Promise<void>;
}

export interface CaseExporters {
  traces: Exporter<ReadableSpan[]>;
  metrics: Exporter<ResourceMetrics>;
  logs: Exporter<ReadableLogRecord[]>;
}

/** The visitor of a case: the agent its events carry, and the object its counter clicked. */
export interface CaseVisit {
  userAgent: string;
  clickedObject: string;
}

/** The clicks a case's counter reports. */
export const CLICKS_PER_CASE = 3;

/** The marker attribute every item of a case carries. */
export const CASE_ATTRIBUTE = 'test.case';

/** What one case leaves in each table, exactly. */
export const STORED_PER_CASE = { otel_traces: 2, events: 2, metric_points: 1, otel_logs: 1 } as const;

/** Queries counting what a case stored, by table (`n` is the count). */
export function caseCounts(marker: string): Record<keyof typeof STORED_PER_CASE, string> {
  return {
    otel_traces: `SELECT count() AS n FROM otel_traces WHERE SpanAttributes['${CASE_ATTRIBUTE}'] = '${marker}'`,
    events: `SELECT count() AS n FROM events WHERE session_id IN ('${marker}', '${marker}-log')`,
    metric_points: `SELECT count() AS n FROM metric_points WHERE attributes['${CASE_ATTRIBUTE}'] = '${marker}'`,
    otel_logs: `SELECT count() AS n FROM otel_logs WHERE LogAttributes['${CASE_ATTRIBUTE}'] = '${marker}'`,
  };
}

/**
 * Sends a case's telemetry through the exporters, each batch twice. The resource names no visitor
 * agent, as a Node SDK's does not: the request's only User-Agent is the exporter's own, which
 * must refuse nothing; the events carry their visitor's agent themselves, as the browser tier does.
 */
export async function exportCase(marker: string, exporters: CaseExporters, visit: CaseVisit): Promise<void> {
  const resource: Attributes = { 'service.name': `interop-${marker}`, 'portfolio.site': 'portfolio' };
  const spans = makeSpans(marker, resource, visit.userAgent);
  const metrics = await makeMetrics(marker, resource, visit.clickedObject);
  const logs = makeLogs(marker, resource, visit.userAgent);
  for (let attempt = 1; attempt <= 2; attempt++) {
    await send(`${marker} traces, attempt ${attempt}`, exporters.traces, spans);
    await send(`${marker} metrics, attempt ${attempt}`, exporters.metrics, metrics);
    await send(`${marker} logs, attempt ${attempt}`, exporters.logs, logs);
  }
  await Promise.all([exporters.traces.shutdown(), exporters.metrics.shutdown(), exporters.logs.shutdown()]);
}

function send<Items>(what: string, exporter: Exporter<Items>, items: Items): Promise<void> {
  return new Promise((resolve, reject) => {
    exporter.export(items, (result) => {
      if (result.code === 0) resolve();
      else reject(new Error(`${what} failed: ${result.error?.message ?? `code ${result.code}`}`));
    });
  });
}

/** An analytics span (a page view of a visitor with a browser agent) and a plain one. */
function makeSpans(marker: string, resource: Attributes, userAgent: string): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('footfall-interop', '1.0.0');
  const common = { [CASE_ATTRIBUTE]: marker };
  tracer
    .startSpan('portfolio.page_view', {
      attributes: {
        ...common,
        'portfolio.event.type': 'page_view',
        'session.id': marker,
        'url.path': '/',
        'user_agent.original': userAgent,
      },
    })
    .end();
  tracer.startSpan(`plain ${marker}`, { attributes: common }).end();
  return exporter.getFinishedSpans();
}

class CollectOnDemand extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/**
 * One data point of the browser events counter (CLICKS_PER_CASE clicks on `object`), collected
 * once, so both sends carry the very same point; the ingest service adds it to
 * footfall_browser_events_total once.
 */
async function makeMetrics(marker: string, resource: Attributes, object: string): Promise<ResourceMetrics> {
  const reader = new CollectOnDemand();
  const provider = new MeterProvider({ resource: resourceFromAttributes(resource), readers: [reader] });
  provider
    .getMeter('footfall-interop')
    .createCounter('portfolio.events')
    .add(CLICKS_PER_CASE, { [CASE_ATTRIBUTE]: marker, 'portfolio.event.type': 'object_click', 'portfolio.object.id': object });
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics;
}

/** An event in the OpenTelemetry event model (a record with an event name) and a plain log line. */
function makeLogs(marker: string, resource: Attributes, userAgent: string): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(resource),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('footfall-interop', '1.0.0');
  logger.emit({
    eventName: 'page_view',
    attributes: { 'session.id': `${marker}-log`, 'url.path': '/about', 'user_agent.original': userAgent },
  });
  // A client address, which the Collector removes and the ingest service would store as it came.
  logger.emit({
    body: `plain line ${marker}`,
    severityNumber: 9,
    severityText: 'INFO',
    attributes: { [CASE_ATTRIBUTE]: marker, 'client.address': '203.0.113.9' },
  });
  return exporter.getFinishedLogRecords();
}
