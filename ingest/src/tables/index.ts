// Every table the pipeline writes, by name. A new table is a new file beside this one and a line here.
import { eventsTable } from './events.js';
import { metricPointsTable } from './metric-points.js';
import { logsTable } from './otel-logs.js';
import { tracesTable } from './otel-traces.js';
import type { StoredTable } from './stored-table.js';

export const TABLES = {
  events: eventsTable,
  otel_traces: tracesTable,
  metric_points: metricPointsTable,
  otel_logs: logsTable,
} as const;

export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** The row type of a table, from its description. */
export type RowOf<Name extends TableName> = (typeof TABLES)[Name] extends StoredTable<infer Row> ? Row : never;

export type { StoredTable } from './stored-table.js';
export type { EventRow } from './events.js';
export type { MetricPointRow } from './metric-points.js';
export type { TraceRow } from './otel-traces.js';
