// Keeps the service's self-telemetry from feeding itself. In the stack its own spans and metrics
// go to the Collector, which sends them back to /v1/traces and /v1/metrics; tracing the handling
// of those requests, or the batches that store them, would make new spans for ever, one round
// per export even with no visitor at all. Work on the service's self-telemetry is therefore
// recognised (every item of the request names this service) and leaves no span behind.
import { context, createContextKey, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** The service.name of the service's self-telemetry when OTEL_SERVICE_NAME names none. */
export const DEFAULT_SERVICE_NAME = 'footfall-ingest';
/** Set on a request span whose request carried only the service's self-telemetry (then dropped). */
export const SELF_TELEMETRY_ATTRIBUTE = 'footfall.own_telemetry';

const MAX_REMEMBERED_TRACES = 10_000;
const MAX_HELD_TRACES = 1_000;
const SELF_TELEMETRY_WORK = createContextKey('footfall.own_telemetry');

let ownServiceName: string | undefined;
const ownTraces = new Set<string>();

/** Turns recognition on (self-telemetry started) for telemetry named `serviceName`. */
export function recogniseSelfTelemetry(serviceName: string | undefined): void {
  ownServiceName = serviceName;
  ownTraces.clear();
}

/**
 * Called by the OTLP routes with the service.name of every item of a request: when all of them
 * are this service's own, the request's trace is remembered as own work and its spans dropped.
 */
export function markIfSelfTelemetry(serviceNames: Iterable<string>): boolean {
  if (ownServiceName === undefined) return false;
  let any = false;
  for (const name of serviceNames) {
    if (name !== ownServiceName) return false;
    any = true;
  }
  const span = trace.getActiveSpan();
  if (!any || !span) return false;
  if (ownTraces.size >= MAX_REMEMBERED_TRACES) ownTraces.clear();
  ownTraces.add(span.spanContext().traceId);
  span.setAttribute(SELF_TELEMETRY_ATTRIBUTE, true);
  return true;
}

/** True while handling a request marked by markIfSelfTelemetry, or inside withSelfTelemetryWork. */
export function inSelfTelemetryWork(): boolean {
  if (ownServiceName === undefined) return false;
  const active = context.active();
  if (active.getValue(SELF_TELEMETRY_WORK) === true) return true;
  const span = trace.getSpan(active);
  return span !== undefined && ownTraces.has(span.spanContext().traceId);
}

/** Runs `work` as self-telemetry work: the pipeline makes no span for it (a batch holding only self-telemetry). */
export function withSelfTelemetryWork<T>(work: () => T): T {
  return context.with(context.active().setValue(SELF_TELEMETRY_WORK, true), work);
}

/**
 * Passes ended spans on to `next`, except the spans of traces marked as own work. A request's
 * child spans end before the request span, and the mark may come after some of them ended, so
 * the spans of a trace are held until its local root (the span with no local parent) ends.
 */
export class SelfTelemetryFilter implements SpanProcessor {
  private readonly held = new Map<string, ReadableSpan[]>();

  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    const parent = span.parentSpanContext;
    if (parent !== undefined && !parent.isRemote) {
      const spans = this.held.get(traceId);
      if (spans) spans.push(span);
      else this.held.set(traceId, [span]);
      if (this.held.size > MAX_HELD_TRACES) this.release(this.held.keys().next().value as string);
      return;
    }
    const spans = this.held.get(traceId) ?? [];
    this.held.delete(traceId);
    if (ownTraces.delete(traceId)) return;
    for (const child of spans) this.next.onEnd(child);
    this.next.onEnd(span);
  }

  async forceFlush(): Promise<void> {
    await this.next.forceFlush();
  }

  async shutdown(): Promise<void> {
    for (const traceId of [...this.held.keys()]) this.release(traceId);
    await this.next.shutdown();
  }

  /** Passes a held trace on whole (its root never ended, or too many traces are held). */
  private release(traceId: string): void {
    const spans = this.held.get(traceId) ?? [];
    this.held.delete(traceId);
    if (ownTraces.has(traceId)) return;
    for (const span of spans) this.next.onEnd(span);
  }
}
