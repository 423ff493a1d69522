/** Running a read query with bound parameters: every value reaches ClickHouse as a parameter, never as SQL text. */
import type { ClickHouseClient } from '@clickhouse/client';

export async function rows<Row>(client: ClickHouseClient, query: string, params: Record<string, unknown>): Promise<Row[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<Row>();
}

/** ClickHouse sends 64-bit integers as strings in JSON; counts here fit a double exactly. */
export function count(value: string | number | undefined | null): number {
  return Number(value ?? 0);
}
