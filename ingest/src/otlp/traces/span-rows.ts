import { ATTR, type Campaign, campaignOf } from '@footfall/contract';
import type { EventInput } from '../../events/event-input.js';
import type { TraceRow } from '../../tables/otel-traces.js';
import type { AttributeValue, Attributes, Scope } from '../decode.js';
import type { ResourceSpansData, SpanData } from './span-data.js';
import { resourceWithoutPrivate, spanWithoutPrivate } from '../privacy.js';
import { pageUrlOf, pathOfUrl, STANDARD_ATTR, type StandardEvent, standardSpanEvent } from '../standard-telemetry.js';

/** Attribute names of the OTLP mapping (docs/otlp-mapping.md). */
export { ATTR };

const MAX_ATTRIBUTES = 64;
const MAX_ATTRIBUTE_CHARS = 1024;
const SPAN_KINDS = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS_CODES = ['Unset', 'Ok', 'Error'];

export interface MappedSpan {
  row: TraceRow;
  /**
   * The analytics event the span carries: when it has `portfolio.event.type`, or is one of the
   * standard browser instrumentations' spans (standard-telemetry.ts).
   */
  event: unknown;
  /** Whether the event's type comes from the standard instrumentations, not `portfolio.event.type`. */
  standard: boolean;
  userAgent: string | undefined;
  /** The page's origin the Collector kept (`portfolio.origin`), for finding the site. */
  origin: string | undefined;
}

export function mapSpans(request: ResourceSpansData[]): MappedSpan[] {
  const mapped: MappedSpan[] = [];
  for (const { resource: sent, scopes } of request) {
    const resource = resourceWithoutPrivate(sent);
    const resourceMap = toStringMap(resource);
    for (const { scope, spans } of scopes) {
      for (const span of spans) mapped.push(mapSpan(spanWithoutPrivate(span), scope, resource, resourceMap, landingCampaign(span)));
    }
  }
  return mapped;
}

/** Shared by every span without events or links: nothing writes into these rows' arrays. */
const NONE: never[] = [];

/**
 * The campaign parameters of the span's `url.full` query, read before the privacy rules cut the
 * query (the same function as a beacon's `search`), so a page's own span carries its campaign
 * without `portfolio.utm.*` attributes. Nothing else of the query is kept.
 */
function landingCampaign(span: SpanData): Campaign {
  const url = span.attributes[STANDARD_ATTR.urlFull] ?? span.attributes[STANDARD_ATTR.httpUrl];
  if (typeof url !== 'string' || !url.includes('?')) return NO_CAMPAIGN;
  try {
    return campaignOf(new URL(url).search);
  } catch {
    // Not a URL: no query to read.
    return NO_CAMPAIGN;
  }
}

const NO_CAMPAIGN: Campaign = {};

function mapSpan(span: SpanData, scope: Scope, resource: Attributes, resourceMap: Record<string, string>, campaign: Campaign): MappedSpan {
  const { events, links } = span;
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
    'Events.Timestamp': events.length === 0 ? NONE : events.map((event) => dateTime64(event.timeNs)),
    'Events.Name': events.length === 0 ? NONE : events.map((event) => event.name),
    'Events.Attributes': events.length === 0 ? NONE : events.map((event) => toStringMap(event.attributes)),
    'Links.TraceId': links.length === 0 ? NONE : links.map((link) => link.traceId),
    'Links.SpanId': links.length === 0 ? NONE : links.map((link) => link.spanId),
    'Links.TraceState': links.length === 0 ? NONE : links.map((link) => link.traceState),
    'Links.Attributes': links.length === 0 ? NONE : links.map((link) => toStringMap(link.attributes)),
  };
  const declared = attributeOf(span, resource, ATTR.eventType);
  // Declared types win; a span without one may still be a standard instrumentation's page view or
  // click, unless Footfall's own tier sent it: its event spans already say what happened.
  const standard =
    declared === undefined && resource[ATTR.tracker] === undefined ? standardSpanEvent(span.name, lookupIn(span, resource)) : undefined;
  const userAgent = attributeOf(span, resource, ATTR.userAgent) ?? attributeOf(span, resource, STANDARD_ATTR.httpUserAgent);
  const origin = resource[ATTR.origin];
  return {
    row,
    event: declared === undefined && standard === undefined ? undefined : eventOf(span, resource, campaign, standard),
    standard: standard !== undefined,
    userAgent: typeof userAgent === 'string' ? userAgent : undefined,
    origin: typeof origin === 'string' ? origin : undefined,
  };
}

/**
 * An attribute of the span, else of its resource. A function of its own rather than a closure
 * made per span: under the TypeScript loader (tsx keeps function names) every closure made is
 * also named at run time, and the two a span made were a third of the time spent mapping it.
 */
function attributeOf(span: SpanData, resource: Attributes, name: string): AttributeValue | undefined {
  return span.attributes[name] ?? resource[name] ?? undefined;
}

/** attributeOf as a lookup, for the readers that take one (standard-telemetry.ts); made only for the spans that need it. */
function lookupIn(span: SpanData, resource: Attributes): (name: string) => AttributeValue | undefined {
  return (name) => attributeOf(span, resource, name);
}

/**
 * The event a span describes. Values are passed on as the span has them; the event's shape check
 * (shared with beacons) refuses what does not fit.
 */
function eventOf(span: SpanData, resource: Attributes, campaign: Campaign, standard: StandardEvent | undefined): EventInput {
  // The standard item's own fields first, so `portfolio.props.*` of the same name win.
  const props: Record<string, AttributeValue> = { ...standard?.props };
  let hasProps = standard?.props !== undefined && Object.keys(standard.props).length > 0;
  const { attributes } = span;
  for (const name of Object.keys(attributes)) {
    if (!name.startsWith(ATTR.propsPrefix)) continue;
    props[name.slice(ATTR.propsPrefix.length)] = attributes[name]!;
    hasProps = true;
  }
  const type = attributeOf(span, resource, ATTR.eventType) ?? standard?.type;
  const durationNs = span.endNs > span.startNs ? span.endNs - span.startNs : 0n;
  const duration =
    attributeOf(span, resource, ATTR.durationMs) ?? (type === 'time_spent' ? Math.round(Number(durationNs) / 1e6) : undefined);
  // Only the fields the span has: an object built without deletions keeps V8's fast shape.
  const event: Record<string, unknown> = {
    id: attributeOf(span, resource, ATTR.eventId) ?? span.spanId,
    type,
    ts: Number(span.startNs / 1_000_000n),
  };
  setDefined(event, 'site', attributeOf(span, resource, ATTR.site));
  setDefined(event, 'session', attributeOf(span, resource, ATTR.sessionId));
  // A page's `url.full` (its query already cut) gives the path when the span names none.
  setDefined(event, 'path', attributeOf(span, resource, ATTR.urlPath) ?? pathOfUrl(pageUrlOf(lookupIn(span, resource))));
  setDefined(event, 'referrer', attributeOf(span, resource, ATTR.referrer));
  setDefined(event, 'object', attributeOf(span, resource, ATTR.objectId));
  setDefined(event, 'room', attributeOf(span, resource, ATTR.roomId));
  setDefined(event, 'from', attributeOf(span, resource, ATTR.navigationFrom));
  setDefined(event, 'to', attributeOf(span, resource, ATTR.navigationTo));
  setDefined(event, 'duration_ms', duration);
  if (hasProps) event.props = props;
  setDefined(event, 'utm_source', attributeOf(span, resource, ATTR.utmSource) ?? campaign.utm_source);
  setDefined(event, 'utm_medium', attributeOf(span, resource, ATTR.utmMedium) ?? campaign.utm_medium);
  setDefined(event, 'utm_campaign', attributeOf(span, resource, ATTR.utmCampaign) ?? campaign.utm_campaign);
  setDefined(event, 'utm_term', attributeOf(span, resource, ATTR.utmTerm) ?? campaign.utm_term);
  setDefined(event, 'utm_content', attributeOf(span, resource, ATTR.utmContent) ?? campaign.utm_content);
  return event as unknown as EventInput;
}

function setDefined(event: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) event[key] = value;
}

/** ClickHouse's Map(String, String): scalars as text, structures as JSON, bounded in count and length. */
export function toStringMap(attributes: Attributes): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  for (const key of Object.keys(attributes)) {
    if (count++ >= MAX_ATTRIBUTES) break;
    const value = attributes[key];
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const name = key.length > 256 ? key.slice(0, 256) : key;
    const cut = text.length > MAX_ATTRIBUTE_CHARS ? text.slice(0, MAX_ATTRIBUTE_CHARS) : text;
    // An attribute named "__proto__" is a key like any other, never the map's prototype.
    if (name === '__proto__') Object.defineProperty(out, name, { value: cut, enumerable: true, writable: true, configurable: true });
    else out[name] = cut;
  }
  return out;
}

const NS_PER_SECOND = 1_000_000_000n;
/** The last second written, and its text: the spans of a request mostly start within a few seconds. */
let lastSecond = -1n;
let lastSecondText = '';

/**
 * Nanoseconds as ClickHouse's unambiguous DateTime64(9) text. A JSON number would lose the last
 * digits (past 2^53), and ClickHouse reads a string of digits by guessing at its layout.
 */
export function dateTime64(nanos: bigint): string {
  const second = nanos / NS_PER_SECOND;
  if (second !== lastSecond) {
    lastSecond = second;
    lastSecondText = new Date(Number(second) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  }
  const fraction = Number(nanos - second * NS_PER_SECOND);
  return `${lastSecondText}.${String(fraction).padStart(9, '0')}`;
}
