// Maps decoded log records to what is stored: an analytics event (through the span mapping, so
// spans and log records read the same attributes) or a row of otel_logs.
import { createHash } from 'node:crypto';
import { ATTR } from '@footfall/contract';
import type { Attributes } from '../decode.js';
import type { ResourceSpansData, SpanData } from '../traces/span-data.js';
import { EVENT_NAME_ATTRIBUTE, logRecordWithoutPrivate, resourceWithoutPrivate, withoutPrivate } from '../privacy.js';
import { dateTime64, mapSpans, toStringMap } from '../traces/span-rows.js';
import { standardLogEvent, UI_CLICK } from '../standard-telemetry.js';
import type { LogRecordData, ResourceLogsData } from './decode-logs.js';

export { EVENT_NAME_ATTRIBUTE };

/** A log body is free text from the sender: bounded like attribute values, with more room. */
const MAX_BODY_CHARS = 16 * 1024;
const MAX_NAME_CHARS = 1024;

/** One row of `otel_logs` (ingest/migrations/0007_create_otel_logs.sql). */
export interface LogRow {
  LogId: string;
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  TraceFlags: number;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceSchemaUrl: string;
  ResourceAttributes: Record<string, string>;
  ScopeSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Record<string, string>;
  LogAttributes: Record<string, string>;
  EventName: string;
}

/** What one log record becomes, in request order (`index` counts records across the request). */
export type MappedLogRecord =
  | { index: number; kind: 'log'; row: LogRow }
  | { index: number; kind: 'event'; event: unknown; userAgent: string | undefined; standard: boolean; origin: string | undefined };

/**
 * A record is an analytics event when it carries `portfolio.event.type` (on itself or its
 * resource) or its event name (LogRecord.event_name, else the `event.name` attribute) is one of
 * the catalog's event types; every other record is a log line for otel_logs.
 */
export function mapLogRecords(request: ResourceLogsData[], eventTypes: ReadonlySet<string>): MappedLogRecord[] {
  const mapped: MappedLogRecord[] = [];
  let index = 0;
  for (const sent of request) {
    // Cleaned before anything reads them; only the record's id reads what was sent.
    const resourceLogs = { ...sent, resource: resourceWithoutPrivate(sent.resource) };
    const resourceMap = toStringMap(resourceLogs.resource);
    const eventSpans: ResourceSpansData = { resource: resourceLogs.resource, scopes: [] };
    const eventRecords: Array<{ index: number; namesDuration: boolean; standard: boolean }> = [];
    for (const { scope, schemaUrl, records } of resourceLogs.scopes) {
      const spans: SpanData[] = [];
      // Scope attributes are stored (ScopeAttributes), so they obey the rules a record's do.
      const scopeMap = toStringMap(withoutPrivate(scope.attributes));
      for (const sentRecord of records) {
        const record = logRecordWithoutPrivate(sentRecord);
        const logId = logIdOf(sent, scope, sentRecord);
        const type = eventTypeOf(record, resourceLogs.resource, eventTypes);
        const standard = type === undefined ? standardEventOf(record, resourceLogs.resource, eventTypes) : undefined;
        if (type !== undefined || standard !== undefined) {
          spans.push(asEventSpan(record, sentRecord, type ?? standard!, logId));
          const duration = record.attributes[ATTR.durationMs] ?? resourceLogs.resource[ATTR.durationMs];
          eventRecords.push({
            index: index++,
            namesDuration: duration !== undefined && duration !== null,
            standard: standard !== undefined,
          });
          continue;
        }
        mapped.push({
          index: index++,
          kind: 'log',
          row: {
            LogId: logId,
            Timestamp: dateTime64(timeOf(record)),
            TraceId: record.traceId,
            SpanId: record.spanId,
            TraceFlags: record.flags & 0xff,
            SeverityText: record.severityText.slice(0, MAX_NAME_CHARS),
            SeverityNumber: Math.min(255, Math.max(0, record.severityNumber)),
            ServiceName: String(resourceLogs.resource[ATTR.serviceName] ?? '').slice(0, MAX_NAME_CHARS),
            Body: bodyText(record.body),
            ResourceSchemaUrl: resourceLogs.schemaUrl.slice(0, MAX_NAME_CHARS),
            ResourceAttributes: resourceMap,
            ScopeSchemaUrl: schemaUrl.slice(0, MAX_NAME_CHARS),
            ScopeName: scope.name.slice(0, MAX_NAME_CHARS),
            ScopeVersion: scope.version.slice(0, MAX_NAME_CHARS),
            ScopeAttributes: scopeMap,
            LogAttributes: toStringMap(record.attributes),
            EventName: eventNameOf(record).slice(0, MAX_NAME_CHARS),
          },
        });
      }
      if (spans.length > 0) eventSpans.scopes.push({ scope: { name: scope.name, version: scope.version }, spans });
    }
    // The span mapping reads the event's attributes exactly as it does for spans.
    mapSpans([eventSpans]).forEach((span, position) => {
      const { index: recordIndex, namesDuration, standard } = eventRecords[position]!;
      // A span's duration stands in for time_spent's; a log record has none, so it must name one
      // (the event check then refuses it as missing a field).
      if (!namesDuration) delete (span.event as { duration_ms?: number }).duration_ms;
      mapped.push({ index: recordIndex, kind: 'event', event: span.event, userAgent: span.userAgent, standard, origin: span.origin });
    });
  }
  return mapped.sort((a, b) => a.index - b.index);
}

function eventNameOf(record: LogRecordData): string {
  if (record.eventName !== '') return record.eventName;
  const named = record.attributes[EVENT_NAME_ATTRIBUTE];
  return typeof named === 'string' ? named : '';
}

function eventTypeOf(record: LogRecordData, resource: Attributes, eventTypes: ReadonlySet<string>): string | undefined {
  const declared = record.attributes[ATTR.eventType] ?? resource[ATTR.eventType];
  if (declared !== undefined && declared !== null) return typeof declared === 'string' ? declared : JSON.stringify(declared);
  const name = eventNameOf(record);
  return eventTypes.has(name) ? name : undefined;
}

/**
 * The event a record of the OpenTelemetry browser instrumentation stands for (a navigation, a
 * click), as the type and props a span would declare; a click only when the catalog takes
 * `ui_click`, else the record stays a log line.
 */
function standardEventOf(
  record: LogRecordData,
  resource: Attributes,
  eventTypes: ReadonlySet<string>,
): { type: string; props?: Record<string, string | number> } | undefined {
  const standard = standardLogEvent(eventNameOf(record), (name) => record.attributes[name] ?? resource[name] ?? undefined);
  if (standard === undefined || (standard.type === UI_CLICK && !eventTypes.has(UI_CLICK))) return undefined;
  return standard;
}

/**
 * The record as the span the span mapping expects: its attributes, its time as start and end,
 * the event type it was recognised by, and an event id. A record has no id of its own, so without
 * `portfolio.event.id` the id is the record's content hash: the same record sent again is the same
 * event, stored once.
 */
function asEventSpan(
  record: LogRecordData,
  sentRecord: LogRecordData,
  event: string | { type: string; props?: Record<string, string | number> },
  logId: string,
): SpanData {
  const time = timeOf(record);
  const type = typeof event === 'string' ? event : event.type;
  const attributes: Attributes = { ...record.attributes, [ATTR.eventType]: type };
  // The page's URL as sent: the span mapping reads its campaign before cutting its query again.
  const sentUrl = sentRecord.attributes['url.full'];
  if (typeof sentUrl === 'string') attributes['url.full'] = sentUrl;
  if (typeof event !== 'string') {
    // A standard event's own fields, unless the record declares them itself.
    for (const [name, value] of Object.entries(event.props ?? {})) attributes[`${ATTR.propsPrefix}${name}`] ??= value;
  }
  attributes[ATTR.eventId] ??= logId;
  return {
    // Only the event made from this span is kept (its id is the event id set above), never a
    // span row: the ids go as sent, empty when the record belongs to no span.
    traceId: record.traceId,
    spanId: record.spanId,
    parentSpanId: '',
    traceState: '',
    name: type,
    kind: 0,
    startNs: time,
    endNs: time,
    attributes,
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
  };
}

/** The time the event happened; the time the SDK saw it when the record has none. */
function timeOf(record: LogRecordData): bigint {
  return record.timeNs > 0n ? record.timeNs : record.observedTimeNs;
}

function bodyText(body: LogRecordData['body']): string {
  if (body === null) return '';
  return (typeof body === 'string' ? body : JSON.stringify(body)).slice(0, MAX_BODY_CHARS);
}

/**
 * The record's identity: what it says, where from and when, as it was sent (before cleaning), so
 * the same record sent again has the same id even when the privacy rules changed in between (a
 * re-send across an upgrade is then stored once). Only this hash is kept, never what cleaning
 * removed.
 */
function logIdOf(sent: ResourceLogsData, scope: ResourceLogsData['scopes'][number]['scope'], record: LogRecordData): string {
  const identity = JSON.stringify([
    sent.resource,
    scope.name,
    scope.version,
    record.timeNs.toString(),
    record.observedTimeNs.toString(),
    record.severityNumber,
    record.severityText,
    record.body,
    record.attributes,
    record.traceId,
    record.spanId,
    record.eventName,
  ]);
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}
