// A statement's settings stay with the statement. The embedded engine's adapter turns a call's
// `clickhouse_settings` into `SET` statements of its one session, which stay on for every later
// statement: a lease's `insert_deduplication_token` left so made a later insert without a token of
// its own a repeat of the lease's, dropped without a word. So the service writes settings into its
// statements, and each statement that carries one leaves the session as it found it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMinuteCounts } from '../src/alerts/minute-counts.js';
import { createClickHouse } from '../src/clickhouse/client.js';
import { migrate } from '../src/clickhouse/migrate.js';
import { DailySalts } from '../src/events/daily-salts.js';
import { leaseFor } from '../src/lease/lease.js';
import { freshDataDir } from './support/test-app.js';

const SETTINGS = ['insert_deduplication_token', 'keeper_map_strict_mode', 'mutations_sync', 'output_format_json_quote_64bit_integers'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('settings of one statement', () => {
  let client: ClickHouseClient;
  const session = async () => {
    const result = await client.query({
      query: `SELECT ${SETTINGS.map((name) => `toString(getSetting('${name}')) AS ${name}`).join(', ')}`,
      format: 'JSONEachRow',
    });
    return (await result.json<Record<string, string>>())[0];
  };

  beforeAll(async () => {
    client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
    await migrate(client);
  });
  afterAll(async () => {
    await client.close();
  });

  it('are never passed as clickhouse_settings in the service', () => {
    const offenders = sourceFiles(join(import.meta.dirname, '..', 'src')).filter((file) =>
      /clickhouse_settings\s*:\s*\{/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('stay with it: a lease taken, a salt offered and the alerts’ counts read leave the session as it was', async () => {
    const before = await session();
    const lease = leaseFor(client, 'settings-test', { replicaId: 'replica-a' });
    expect(await lease.hold()).toBe(true);
    await new DailySalts(client).saltOf(Math.floor(Date.now() / 86_400_000), Buffer.alloc(32, 1));
    const now = Math.floor(Date.now() / 60_000);
    await readMinuteCounts(client, now - 5, now);
    expect(await session()).toEqual(before);
  });

  it('would not, as clickhouse_settings: the adapter keeps them for the session (why the first test holds)', async () => {
    await client.command({ query: 'SELECT 1', clickhouse_settings: { insert_deduplication_token: 'kept-for-later' } });
    expect((await session())!.insert_deduplication_token).toBe('kept-for-later');
  });
});
