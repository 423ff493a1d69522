// The `otel_traces` table (ingest/migrations/0004_create_otel_traces.sql), shaped like the Collector
// ClickHouse exporter's: one span a row, recognised when re-sent by its trace and span ids.
import type { StoredTable } from './stored-table.js';

/** One row of `otel_traces` (ingest/migrations/0004_create_otel_traces.sql). */
export interface TraceRow {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  'Events.Timestamp': string[];
  'Events.Name': string[];
  'Events.Attributes': Array<Record<string, string>>;
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Array<Record<string, string>>;
}

/** The columns of an `otel_traces` line, in order (a new column goes at the end: stored-table.ts). */
const TRACE_COLUMNS = [
  'Timestamp',
  'TraceId',
  'SpanId',
  'ParentSpanId',
  'TraceState',
  'SpanName',
  'SpanKind',
  'ServiceName',
  'ResourceAttributes',
  'ScopeName',
  'ScopeVersion',
  'SpanAttributes',
  'Duration',
  'StatusCode',
  'StatusMessage',
  'Events.Timestamp',
  'Events.Name',
  'Events.Attributes',
  'Links.TraceId',
  'Links.SpanId',
  'Links.TraceState',
  'Links.Attributes',
] as const satisfies ReadonlyArray<keyof TraceRow>;

/** One span as a JSON array of TRACE_COLUMNS: no column named on every line (events.ts says why). */
function serializeTraceRow(row: TraceRow): string {
  return JSON.stringify([
    row.Timestamp,
    row.TraceId,
    row.SpanId,
    row.ParentSpanId,
    row.TraceState,
    row.SpanName,
    row.SpanKind,
    row.ServiceName,
    row.ResourceAttributes,
    row.ScopeName,
    row.ScopeVersion,
    row.SpanAttributes,
    row.Duration,
    row.StatusCode,
    row.StatusMessage,
    row['Events.Timestamp'],
    row['Events.Name'],
    row['Events.Attributes'],
    row['Links.TraceId'],
    row['Links.SpanId'],
    row['Links.TraceState'],
    row['Links.Attributes'],
  ]);
}

export const tracesTable: StoredTable<TraceRow> = {
  name: 'otel_traces',
  keyOf: (row) => `s|${row.TraceId}${row.SpanId}`,
  columns: TRACE_COLUMNS,
  serialize: serializeTraceRow,
  recentKeys: `SELECT concat('s|', TraceId, SpanId) AS key, toDateTime64(Timestamp, 3) AS at FROM otel_traces
    WHERE Timestamp > now64(3) - INTERVAL 25 HOUR`,
};
