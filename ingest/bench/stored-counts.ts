import { createClickHouse } from '../src/clickhouse/client.js';

export interface StoredCounts {
  events: number;
  distinctEvents: number;
  spans: number;
}

/**
 * Counts what the embedded ClickHouse in `dataDir` holds. Called after the service has exited
 * (its SIGTERM flush done), so this reads what survived the process, not what it still buffers.
 */
export async function storedCounts(dataDir: string): Promise<StoredCounts> {
  const client = await createClickHouse({ url: undefined, dataDir });
  try {
    const result = await client.query({
      query: `SELECT
                (SELECT count() FROM events) AS events,
                (SELECT uniqExact(site, event_id) FROM events) AS distinct_events,
                (SELECT count() FROM otel_traces) AS spans`,
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ events: string; distinct_events: string; spans: string }>();
    return { events: Number(row!.events), distinctEvents: Number(row!.distinct_events), spans: Number(row!.spans) };
  } finally {
    await client.close();
  }
}
