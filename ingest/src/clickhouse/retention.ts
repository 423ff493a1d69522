/**
 * How long each kind of data is kept, set by the owner (RETENTION_* variables) and applied at
 * start-up as each table's TTL. The migrations create the tables with a default TTL; this
 * changes it only when it differs from the configuration, since changing a TTL makes ClickHouse
 * rewrite the table's parts (in the background) to drop what is now too old. With several
 * replicas, one applies it at a time: the one holding the lease `retention` (src/lease/).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { type Lease, SoleOwner } from '../lease/lease.js';
import { localName } from './cluster-schema.js';

export interface Retention {
  /** Raw events, and the per-visit rollup (it holds a key per visit, like the events). */
  eventsDays: number;
  /** Spans (otel_traces) and log records (otel_logs). */
  tracesDays: number;
  /** Metric data points from browsers (metric_points). */
  metricsDays: number;
  /** The per-minute, hourly and daily rollups and the hotspots' rollups: counts and distinct-count states, no ids. */
  rollupsDays: number;
}

/** Each table's TTL column expression (as its migration wrote it) and the retention it follows. */
export const RETENTION_TABLES: ReadonlyArray<{ table: string; time: string; days: keyof Retention }> = [
  { table: 'events', time: 'toDateTime(ts)', days: 'eventsDays' },
  { table: 'visits_per_hour', time: 'hour', days: 'eventsDays' },
  // A key per visit, as in events: the folded clicks go with the events they were folded from.
  { table: 'engagement_steps', time: 'toDateTime(ts)', days: 'eventsDays' },
  { table: 'otel_traces', time: 'toDateTime(Timestamp)', days: 'tracesDays' },
  { table: 'otel_logs', time: 'TimestampTime', days: 'tracesDays' },
  { table: 'metric_points', time: 'toDateTime(ts)', days: 'metricsDays' },
  { table: 'events_per_minute', time: 'minute', days: 'rollupsDays' },
  { table: 'events_per_hour', time: 'hour', days: 'rollupsDays' },
  { table: 'events_per_day', time: 'day', days: 'rollupsDays' },
  // A span row goes when its start is older than the retention: a period inside the retention
  // reads only rows that start within it, so its figures stay exact.
  { table: 'hotspots_per_hour', time: 'hour', days: 'rollupsDays' },
  { table: 'hotspot_elements_per_span', time: 'start', days: 'rollupsDays' },
];

/**
 * Sets every table's TTL to its configured retention; returns the tables whose TTL changed (none
 * when run again with the same configuration, or when another replica holds the lease: it is
 * applying its own). ClickHouse writes `INTERVAL 30 DAY` back as `toIntervalDay(30)`: that is the
 * form compared with.
 */
export async function applyRetention(
  client: ClickHouseClient,
  retention: Retention,
  cluster?: string,
  lease: Lease = new SoleOwner(),
): Promise<string[]> {
  if (!(await lease.hold())) return [];
  try {
    return await setTtls(client, retention, cluster);
  } finally {
    // Held for this start only: a replica started later applies its configuration in turn.
    await lease.release();
  }
}

async function setTtls(client: ClickHouseClient, retention: Retention, cluster: string | undefined): Promise<string[]> {
  // On a cluster the TTL is the local tables' (a Distributed table holds no rows), set on every server.
  const stored = (table: string) => (cluster === undefined ? table : localName(table));
  const onCluster = cluster === undefined ? '' : ` ON CLUSTER ${cluster}`;
  const result = await client.query({
    query: `SELECT name, create_table_query FROM system.tables WHERE database = currentDatabase() AND name IN {tables:Array(String)}`,
    query_params: { tables: RETENTION_TABLES.map((entry) => stored(entry.table)) },
    format: 'JSONEachRow',
  });
  const created = new Map(
    (await result.json<{ name: string; create_table_query: string }>()).map((row) => [row.name, row.create_table_query]),
  );
  const changed: string[] = [];
  for (const { table, time, days } of RETENTION_TABLES) {
    const statement = created.get(stored(table));
    if (statement === undefined) continue;
    const wanted = retention[days];
    if (statement.includes(`TTL ${time} + toIntervalDay(${wanted})`)) continue;
    // The values are validated integers (config.ts), written into the statement: DDL takes no bound parameters.
    await client.command({ query: `ALTER TABLE ${stored(table)}${onCluster} MODIFY TTL ${time} + INTERVAL ${Math.trunc(wanted)} DAY` });
    changed.push(table);
  }
  return changed;
}
