// The `otel_logs` table, shaped like the Collector ClickHouse exporter's: log records that are not
// analytics events, recognised when re-sent by the hash in LogId.
import type { LogRow } from '../otlp/logs/log-rows.js';
import type { StoredTable } from './stored-table.js';

export const logsTable: StoredTable<LogRow> = {
  name: 'otel_logs',
  keyOf: (row) => `l|${row.LogId}`,
  serialize: JSON.stringify,
  recentKeys: `SELECT concat('l|', LogId) AS key, toDateTime64(Timestamp, 3) AS at FROM otel_logs
    WHERE Timestamp > now64(3) - INTERVAL 25 HOUR`,
};
