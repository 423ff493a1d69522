// The `metric_points` table (ingest/migrations/0005_create_metric_points.sql): one OTLP data point a
// row, recognised when re-sent by a hash of what identifies the point (point_id).
import type { StoredTable } from './stored-table.js';

/** One row of `metric_points` (ingest/migrations/0005_create_metric_points.sql). */
export interface MetricPointRow {
  point_id: string;
  site: string;
  service_name: string;
  name: string;
  kind: string;
  ts: number;
  attributes: Record<string, string>;
  path: string;
  value: number;
  count: number;
  sum: number;
  bucket_counts: number[];
  explicit_bounds: number[];
}

export const metricPointsTable: StoredTable<MetricPointRow> = {
  name: 'metric_points',
  keyOf: (row) => `m|${row.point_id}`,
  serialize: JSON.stringify,
  recentKeys: `SELECT concat('m|', point_id) AS key, ts AS at FROM metric_points
    WHERE ts > now64(3) - INTERVAL 25 HOUR`,
};
