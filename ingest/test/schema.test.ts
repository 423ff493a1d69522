import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { MIGRATIONS_DIR, migrate } from '../src/clickhouse/migrate.js';
import { freshDataDir } from './support/test-app.js';

describe('migrations', () => {
  it('apply once, are recorded, and refuse a file edited after it ran', async () => {
    const client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
    const dir = mkdtempSync(join(tmpdir(), 'footfall-migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    try {
      const first = await migrate(client, dir);
      // Every file of the folder, in order, each once.
      const files = readdirSync(dir)
        .filter((name) => name.endsWith('.sql'))
        .sort();
      expect(first[0]).toBe('0001_create_events.sql');
      expect(first).toEqual(files);
      const recorded = await client.query({ query: 'SELECT count() AS n FROM schema_migrations', format: 'JSONEachRow' });
      expect(Number((await recorded.json<{ n: string }>())[0]!.n)).toBe(files.length);
      expect(await migrate(client, dir)).toEqual([]);

      writeFileSync(join(dir, '0001_create_events.sql'), 'CREATE TABLE IF NOT EXISTS events (x UInt8) ENGINE = Memory');
      await expect(migrate(client, dir)).rejects.toThrow(/0001_create_events.sql was edited/);
    } finally {
      await client.close();
    }
  });

  it('make tables shaped for the dashboards: monthly partitions, sort keys by site, retention', async () => {
    const client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
    try {
      await migrate(client);
      const result = await client.query({
        query: `SELECT name, engine, partition_key, sorting_key, create_table_query FROM system.tables
                WHERE database = currentDatabase() AND name IN ('events', 'events_per_minute', 'otel_traces', 'metric_points')
                ORDER BY name`,
        format: 'JSONEachRow',
      });
      const tables = Object.fromEntries(
        (await result.json<{ name: string; engine: string; partition_key: string; sorting_key: string; create_table_query: string }>()).map(
          (t) => [t.name, t],
        ),
      );
      expect(tables.events).toMatchObject({ engine: 'MergeTree', partition_key: 'toYYYYMM(ts)', sorting_key: 'site, type, ts' });
      expect(tables.events_per_minute).toMatchObject({ engine: 'AggregatingMergeTree', partition_key: 'toYYYYMM(minute)' });
      expect(tables.events_per_minute!.sorting_key).toMatch(/^site, type, minute/);
      for (const table of Object.values(tables)) {
        expect(table.create_table_query).toMatch(/TTL /);
        expect(table.create_table_query).toMatch(/non_replicated_deduplication_window = 10000/);
      }
    } finally {
      await client.close();
    }
  });
});
