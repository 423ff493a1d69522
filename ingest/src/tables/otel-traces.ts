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

export const tracesTable: StoredTable<TraceRow> = {
  name: 'otel_traces',
  keyOf: (row) => `s|${row.TraceId}${row.SpanId}`,
  serialize: JSON.stringify,
  recentKeys: `SELECT concat('s|', TraceId, SpanId) AS key, toDateTime64(Timestamp, 3) AS at FROM otel_traces
    WHERE Timestamp > now() - INTERVAL 25 HOUR`,
};
