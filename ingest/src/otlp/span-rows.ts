import { ATTR } from '@footfall/contract';
import type { EventInput } from '../events/event-row.js';
import type { TraceRow } from '../tables/otel-traces.js';
import type { AttributeValue, Attributes, ResourceSpansData, Scope, SpanData } from './decode.js';

/** Attribute names of the OTLP mapping (README, "Event model and the OTLP mapping"). */
export { ATTR };

const MAX_ATTRIBUTES = 64;
const MAX_ATTRIBUTE_CHARS = 1024;
const SPAN_KINDS = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS_CODES = ['Unset', 'Ok', 'Error'];

export interface MappedSpan {
  row: TraceRow;
  /** The analytics event the span carries, when it has `portfolio.event.type`. */
  event: unknown;
  userAgent: string | undefined;
}

export function mapSpans(request: ResourceSpansData[]): MappedSpan[] {
  const mapped: MappedSpan[] = [];
  for (const { resource, scopes } of request) {
    const resourceMap = toStringMap(resource);
    for (const { scope, spans } of scopes) {
      for (const span of spans) mapped.push(mapSpan(span, scope, resource, resourceMap));
    }
  }
  return mapped;
}

function mapSpan(span: SpanData, scope: Scope, resource: Attributes, resourceMap: Record<string, string>): MappedSpan {
  const lookup = (name: string): AttributeValue | undefined => span.attributes[name] ?? resource[name] ?? undefined;
  const row: TraceRow = {
    Timestamp: dateTime64(span.startNs),
    TraceId: span.traceId,
    SpanId: span.spanId,
    ParentSpanId: span.parentSpanId,
    TraceState: span.traceState,
    SpanName: span.name.slice(0, MAX_ATTRIBUTE_CHARS),
    SpanKind: SPAN_KINDS[span.kind] ?? 'Unspecified',
    ServiceName: String(resource[ATTR.serviceName] ?? ''),
    ResourceAttributes: resourceMap,
    ScopeName: scope.name,
    ScopeVersion: scope.version,
    SpanAttributes: toStringMap(span.attributes),
    Duration: (span.endNs > span.startNs ? span.endNs - span.startNs : 0n).toString(),
    StatusCode: STATUS_CODES[span.statusCode] ?? 'Unset',
    StatusMessage: span.statusMessage.slice(0, MAX_ATTRIBUTE_CHARS),
    'Events.Timestamp': span.events.map((event) => dateTime64(event.timeNs)),
    'Events.Name': span.events.map((event) => event.name),
    'Events.Attributes': span.events.map((event) => toStringMap(event.attributes)),
    'Links.TraceId': span.links.map((link) => link.traceId),
    'Links.SpanId': span.links.map((link) => link.spanId),
    'Links.TraceState': span.links.map((link) => link.traceState),
    'Links.Attributes': span.links.map((link) => toStringMap(link.attributes)),
  };
  const type = lookup(ATTR.eventType);
  const userAgent = lookup(ATTR.userAgent);
  return {
    row,
    event: type === undefined ? undefined : eventOf(span, lookup),
    userAgent: typeof userAgent === 'string' ? userAgent : undefined,
  };
}

/**
 * The event a span describes. Values are passed on as the span has them; the event's shape check
 * (shared with beacons) refuses what does not fit.
 */
function eventOf(span: SpanData, lookup: (name: string) => AttributeValue | undefined): EventInput {
  const props: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(span.attributes)) {
    if (name.startsWith(ATTR.propsPrefix)) props[name.slice(ATTR.propsPrefix.length)] = value;
  }
  const type = lookup(ATTR.eventType);
  const durationNs = span.endNs > span.startNs ? span.endNs - span.startNs : 0n;
  const duration = lookup(ATTR.durationMs) ?? (type === 'time_spent' ? Math.round(Number(durationNs) / 1e6) : undefined);
  const event: Record<string, unknown> = {
    id: lookup(ATTR.eventId) ?? span.spanId,
    type,
    ts: Number(span.startNs / 1_000_000n),
    site: lookup(ATTR.site),
    session: lookup(ATTR.sessionId),
    path: lookup(ATTR.urlPath),
    referrer: lookup(ATTR.referrer),
    object: lookup(ATTR.objectId),
    room: lookup(ATTR.roomId),
    from: lookup(ATTR.navigationFrom),
    to: lookup(ATTR.navigationTo),
    duration_ms: duration,
    props: Object.keys(props).length > 0 ? props : undefined,
    utm_source: lookup(ATTR.utmSource),
    utm_medium: lookup(ATTR.utmMedium),
    utm_campaign: lookup(ATTR.utmCampaign),
    utm_term: lookup(ATTR.utmTerm),
    utm_content: lookup(ATTR.utmContent),
  };
  for (const key of Object.keys(event)) if (event[key] === undefined) delete event[key];
  return event as unknown as EventInput;
}

/** ClickHouse's Map(String, String): scalars as text, structures as JSON, bounded in count and length. */
export function toStringMap(attributes: Attributes): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  for (const [key, value] of Object.entries(attributes)) {
    if (count++ >= MAX_ATTRIBUTES) break;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    out[key.slice(0, 256)] = text.slice(0, MAX_ATTRIBUTE_CHARS);
  }
  return out;
}

/**
 * Nanoseconds as ClickHouse's unambiguous DateTime64(9) text. A JSON number would lose the last
 * digits (past 2^53), and ClickHouse reads a string of digits by guessing at its layout.
 */
export function dateTime64(nanos: bigint): string {
  const millis = nanos / 1_000_000n;
  const seconds = new Date(Number(millis)).toISOString().slice(0, 19).replace('T', ' ');
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${seconds}.${fraction}`;
}
