import type { Attributes } from '@opentelemetry/api';
import {
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

// OTLP requests made by the real OpenTelemetry SDK and its serializers, so the service is tested
// against the encoder browsers use, not against our own idea of the protocol.

export const RESOURCE = {
  'service.name': 'portfolio-web',
  'service.version': '1.0.0',
  'portfolio.site': 'portfolio',
  'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
};

/** Finished spans, one per entry: a name and the span's attributes. */
export function makeSpans(
  entries: Array<{ name: string; attributes: Attributes; durationMs?: number }>,
  resource: Attributes = RESOURCE,
): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('footfall-test', '1.0.0');
  for (const { name, attributes, durationMs = 5 } of entries) {
    const start = Date.now() - durationMs;
    tracer.startSpan(name, { attributes, startTime: start }).end(start + durationMs);
  }
  return exporter.getFinishedSpans();
}

export function tracesBody(spans: ReadableSpan[], encoding: 'protobuf' | 'json'): Buffer {
  const serializer = encoding === 'protobuf' ? ProtobufTraceSerializer : JsonTraceSerializer;
  return Buffer.from(serializer.serializeRequest(spans)!);
}

/** A reader we collect from by hand, with delta temporality as browsers send. */
class CollectOnDemand extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** A metrics request with `portfolio.events` counts and an LCP histogram, like the browser tier's. */
export async function metricsBody(
  counts: Array<{ type: string; object?: string; value: number }>,
  encoding: 'protobuf' | 'json',
): Promise<Buffer> {
  const reader = new CollectOnDemand();
  const provider = new MeterProvider({ resource: resourceFromAttributes(RESOURCE), readers: [reader] });
  const meter = provider.getMeter('footfall-test');
  const events = meter.createCounter('portfolio.events');
  for (const { type, object, value } of counts) {
    events.add(value, object ? { 'portfolio.event.type': type, 'portfolio.object.id': object } : { 'portfolio.event.type': type });
  }
  meter.createHistogram('portfolio.web_vital.lcp', { unit: 'ms' }).record(1234, { 'url.path': '/room' });
  const { resourceMetrics } = await reader.collect();
  const serializer = encoding === 'protobuf' ? ProtobufMetricsSerializer : JsonMetricsSerializer;
  return Buffer.from(serializer.serializeRequest(resourceMetrics)!);
}
