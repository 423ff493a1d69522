import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

interface AppliedMigration {
  version: string;
  checksum: string;
}

/**
 * Applies the numbered SQL files in order, each once. ClickHouse DDL is not transactional, so
 * every file holds one idempotent statement; a file edited after it was applied is refused, since
 * its change would never reach databases that already ran it.
 */
export async function migrate(client: ClickHouseClient, dir = MIGRATIONS_DIR): Promise<string[]> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations
            (version String, checksum String, applied_at DateTime('UTC') DEFAULT now())
            ENGINE = MergeTree ORDER BY version`,
  });
  const result = await client.query({ query: 'SELECT version, checksum FROM schema_migrations', format: 'JSONEachRow' });
  const applied = new Map((await result.json<AppliedMigration>()).map((row) => [row.version, row.checksum]));

  const newlyApplied: string[] = [];
  for (const file of readdirSync(dir)
    .filter((name) => /^\d{4}_.+\.sql$/.test(name))
    .sort()) {
    const sql = readFileSync(`${dir}/${file}`, 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const known = applied.get(file);
    if (known === checksum) continue;
    if (known !== undefined) {
      throw new Error(`migration ${file} was edited after it was applied; add a new migration instead`);
    }
    await client.command({ query: sql });
    await client.insert({ table: 'schema_migrations', values: [{ version: file, checksum }], format: 'JSONEachRow' });
    newlyApplied.push(file);
  }
  return newlyApplied;
}
