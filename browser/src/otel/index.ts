/**
 * The OpenTelemetry tier: web tracing (document load, fetch, user interaction) and metrics over
 * OTLP/HTTP. The tracker imports this module lazily; `startOpenTelemetry` returns the sink that
 * turns each analytics event into a span and a counter increment.
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import { OTLPMetricExporter, AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { UserInteractionInstrumentation } from '@opentelemetry/instrumentation-user-interaction';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, StackContextManager, TracerProvider } from '@opentelemetry/sdk-trace';
import { createIgnored } from '../tracker/log.js';
import type { EventSink, OpenTelemetryOptions } from '../tracker/types.js';
import { ATTR, METRIC } from './attributes.js';
import { eventAttributes } from './event-span.js';
import { recordWebVitals } from './web-vitals.js';

export type { EventSink, OpenTelemetryOptions } from '../tracker/types.js';

const INSTRUMENTATION_SCOPE = '@footfall/browser';
const METRIC_EXPORT_INTERVAL_MS = 10_000;

/** A URL prefix as a pattern, so that every request to the tracker's own endpoints is left alone. */
const prefixPattern = (url: string) => new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

export function startOpenTelemetry(options: OpenTelemetryOptions): EventSink {
  const ignored = createIgnored(options.debug);
  const base = options.collectorUrl.replace(/\/+$/, '');
  const resource = resourceFromAttributes({
    [ATTR.serviceName]: options.serviceName ?? 'footfall-web',
    [ATTR.site]: options.site,
    // Our event spans carry the analytics: the ingest service reads no page view from documentLoad.
    [ATTR.tracker]: 'footfall',
    ...(options.serviceVersion ? { [ATTR.serviceVersion]: options.serviceVersion } : {}),
  });

  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${base}/v1/traces` }) })],
  });
  // What WebTracerProvider.register() did before the 3.x SDK folded the web tracer into sdk-trace:
  // a context manager for the page, so interaction and fetch spans find their parents.
  context.setGlobalContextManager(new StackContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  registerInstrumentations({
    tracerProvider,
    instrumentations: [
      new DocumentLoadInstrumentation(),
      new FetchInstrumentation({ ignoreUrls: options.ignoreUrls.map(prefixPattern) }),
      new UserInteractionInstrumentation(),
    ],
  });

  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        // Delta temporality: every browser reports only its own increments, so the ingest
        // service can add them up across any number of visitors.
        exporter: new OTLPMetricExporter({
          url: `${base}/v1/metrics`,
          temporalityPreference: AggregationTemporalityPreference.DELTA,
        }),
        exportIntervalMillis: METRIC_EXPORT_INTERVAL_MS,
      }),
    ],
  });
  const tracer = tracerProvider.getTracer(INSTRUMENTATION_SCOPE);
  const meter = meterProvider.getMeter(INSTRUMENTATION_SCOPE);
  const events = meter.createCounter(METRIC.events, { description: 'Analytics events recorded in the page' });

  const flush = () => {
    tracerProvider.forceFlush().catch((error: unknown) => ignored('otel_trace_flush_failed', error));
    meterProvider.forceFlush().catch((error: unknown) => ignored('otel_metric_flush_failed', error));
  };
  // Registered after web-vitals' own listeners, so that the vitals it reports on hide go out too.
  recordWebVitals(meter, () => {
    if (document.visibilityState === 'hidden') flush();
  });
  addEventListener('pagehide', flush);

  return {
    record(event) {
      try {
        const span = tracer.startSpan(`portfolio.${event.type}`, {
          kind: SpanKind.INTERNAL,
          startTime: event.ts,
          attributes: eventAttributes(event),
        });
        span.end(event.ts);
        events.add(1, {
          [ATTR.eventType]: event.type,
          ...(event.object ? { [ATTR.objectId]: event.object } : {}),
        });
      } catch (error) {
        ignored('otel_record_failed', error);
      }
    },
    flush,
  };
}

/** The global tracer, for a site that wants spans of its own under the same provider. */
export const getTracer = () => trace.getTracer(INSTRUMENTATION_SCOPE);
