// The OpenTelemetry JS SDK running in Node, exporting OTLP/HTTP to the Collector: spans for
// analytics events and the `portfolio.events` counter, shaped as the README's OTLP mapping says.
import { AggregationTemporalityPreference, OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface NodeTelemetry {
  /** Records one analytics event as a span and in the counter; returns the span id. */
  event(type: string, attributes: { session: string; object?: string; path?: string }): string;
  /** Exports everything recorded so far. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function startNodeTelemetry(collectorUrl: string, site = 'portfolio'): NodeTelemetry {
  const resource = resourceFromAttributes({ 'service.name': 'footfall-collector-test', 'portfolio.site': site });
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collectorUrl}/v1/traces` }))],
  });
  const metricReader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({
      url: `${collectorUrl}/v1/metrics`,
      // The browser tier exports deltas: each page's counts are summed by the ingest service.
      temporalityPreference: AggregationTemporalityPreference.DELTA,
    }),
    exportIntervalMillis: 60_000,
  });
  const meterProvider = new MeterProvider({ resource, readers: [metricReader] });
  const tracer = tracerProvider.getTracer('footfall-collector-test');
  const counter = meterProvider.getMeter('footfall-collector-test').createCounter('portfolio.events');

  return {
    event(type, { session, object, path = '/' }) {
      const span = tracer.startSpan(type, {
        attributes: {
          'portfolio.event.type': type,
          'session.id': session,
          'url.path': path,
          ...(object ? { 'portfolio.object.id': object } : {}),
        },
      });
      span.end();
      counter.add(1, { 'portfolio.event.type': type, ...(object ? { 'portfolio.object.id': object } : {}) });
      return span.spanContext().spanId;
    },
    async flush() {
      await tracerProvider.forceFlush();
      await meterProvider.forceFlush();
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}
