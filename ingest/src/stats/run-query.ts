/**
 * Running a read query. Every value reaches a ClickHouse server as a bound parameter, never as SQL
 * text; the embedded engine gets its values written into the statement instead, each typed and
 * quoted by the client's own formatter (clickhouse/inline-params.ts), so that its reads run side by
 * side on its read pool (clickhouse/read-pool.ts).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { type ReadOptions, readPoolOf } from '../clickhouse/read-pool.js';

export async function rows<Row>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown>,
  options: ReadOptions = {},
): Promise<Row[]> {
  const pool = readPoolOf(client);
  if (pool) return pool.rows<Row>(query, params, options);
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<Row>();
}

/** ClickHouse sends 64-bit integers as strings in JSON; counts here fit a double exactly. */
export function count(value: string | number | undefined | null): number {
  return Number(value ?? 0);
}
