// The embedded engine's reads run side by side on a pool of connections to the same data directory
// (src/clickhouse/read-pool.ts): a read sent while another is still running in the engine answers
// before it; the pool closes with the client, letting the data directory go. Its reads keep the
// blocks they decompressed in the engine's cache while reads keep coming, and empty it after.
import { type ClickHouseClient, type ClickHouseClientConfigOptions, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse, READ_CACHE_MAX_BYTES, READ_THREADS } from '../src/clickhouse/client.js';
import { ReadPool, readPoolOf } from '../src/clickhouse/read-pool.js';
import { MAX_LISTED_VISITS } from '../src/stats/engagement.js';
import { rows } from '../src/stats/run-query.js';
import { freshDataDir } from './support/test-app.js';

/** A reader of rows: the pool's, or a client's own with its values bound. */
type Read = (query: string, params: Record<string, unknown>) => Promise<unknown>;

/**
 * Which of two reads answered first: a slow one (2.5 s asleep in the engine) sent first, and a
 * quick one sent once the slow one shows among the engine's running statements (seen by `probe`).
 */
async function orderOf(probe: ClickHouseClient, slowRead: Read, quickRead: Read): Promise<string[]> {
  const answered: string[] = [];
  const slow = slowRead('SELECT sleep({seconds:Float64}) AS slept', { seconds: 2.5 }).then(() => answered.push('slow'));
  const running = async () => {
    const [row] = await rows<{ n: string }>(probe, "SELECT count() AS n FROM system.processes WHERE query LIKE 'SELECT sleep(%'", {});
    return Number(row?.n);
  };
  await expect.poll(running, { interval: 20, timeout: 1000 }).toBe(1);
  const quick = quickRead('SELECT {n:UInt32} AS n', { n: 1 }).then(() => answered.push('quick'));
  await Promise.all([slow, quick]);
  return answered;
}

const bound =
  (client: ClickHouseClient): Read =>
  async (query, params) =>
    (await client.query({ query, query_params: params, format: 'JSONEachRow' })).json();

describe('the read pool', () => {
  let client: ClickHouseClient;

  beforeAll(async () => {
    client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
  });
  afterAll(async () => {
    await client.close();
  });

  it('answers a read while another still runs in the engine', async () => {
    const pool = readPoolOf(client)!;
    expect(pool.size).toBeGreaterThanOrEqual(2);
    const read: Read = (query, params) => pool.rows(query, params);
    expect(await orderOf(client, read, read)).toEqual(['quick', 'slow']);
  });

  it('would not with one connection', async () => {
    const single = await ReadPool.open(readPoolOf(client)!.path, 1);
    try {
      const read: Read = (query, params) => single.rows(query, params);
      expect(await orderOf(client, read, read)).toEqual(['slow', 'quick']);
    } finally {
      await single.close();
    }
  });

  it('starts a follow-up read before the reads waiting for a connection, the others in the order sent', async () => {
    const single = await ReadPool.open(readPoolOf(client)!.path, 1);
    try {
      const answered: string[] = [];
      const read = (name: string, followUp = false) =>
        single.rows('SELECT {name:String} AS name', { name }, { followUp }).then(() => answered.push(name));
      const slowRead: Read = (query, params) => single.rows(query, params);
      // The three sent while the slow read holds the one connection: all wait for it.
      const waiting = async () => Promise.all([read('first sent'), read('second sent'), read('follow-up', true)]);
      expect(await orderOf(client, slowRead, waiting)).toEqual(['slow', 'quick']);
      expect(answered).toEqual(['follow-up', 'first sent', 'second sent']);
    } finally {
      await single.close();
    }
  });

  it('would not with the values bound, even on two connections (why the pool writes them in)', async () => {
    const { createChdbConnection } = await import('chdb/connection');
    const connection = createChdbConnection({ path: readPoolOf(client)!.path }) as unknown as NonNullable<
      ClickHouseClientConfigOptions['connection']
    >;
    const other = createClient({ connection });
    try {
      expect(await orderOf(client, bound(client), bound(other))).toEqual(['slow', 'quick']);
    } finally {
      await other.close();
    }
  });

  it("keeps its connections' settings to them: the client's own connection keeps the engine's", async () => {
    const query = "SELECT toString(getSetting('max_threads')) AS threads, toString(getSetting('max_query_size')) AS bytes";
    const settingsOf = async (other: ClickHouseClient) => (await other.query({ query, format: 'JSONEachRow' })).json();
    expect(await readPoolOf(client)!.rows(query, {})).toEqual([{ threads: String(READ_THREADS), bytes: String(16 * 1024 * 1024) }]);
    // A connection of its own, as the engine makes it, to compare with.
    const { createChdbConnection } = await import('chdb/connection');
    const connection = createChdbConnection({ path: readPoolOf(client)!.path }) as unknown as NonNullable<
      ClickHouseClientConfigOptions['connection']
    >;
    const fresh = createClient({ connection });
    try {
      const defaults = await settingsOf(fresh);
      expect(defaults).toEqual([expect.objectContaining({ bytes: '262144' })]);
      expect(await settingsOf(client)).toEqual(defaults);
    } finally {
      await fresh.close();
    }
  });

  it('reads a statement listing the most visits the engagement path lists, three times over', async () => {
    const keys = Array.from({ length: MAX_LISTED_VISITS }, (_, index) => 18_446_744_073_709_551_615n - BigInt(index));
    const query = `SELECT toString(length({keys:Array(UInt64)}) + length({keys:Array(UInt64)})) AS n, toString(arrayMin({keys:Array(UInt64)})) AS least`;
    expect(await readPoolOf(client)!.rows(query, { keys })).toEqual([{ n: String(2 * MAX_LISTED_VISITS), least: String(keys.at(-1)) }]);
  });
});

describe("the engine's block cache", () => {
  let client: ClickHouseClient;
  /** The engine's counters and gauges of its block cache (the whole process's). */
  const cache = async () => {
    const [row] = await rows<{ hits: string; bytes: string }>(
      client,
      `SELECT (SELECT toString(sum(value)) FROM system.events WHERE event = 'UncompressedCacheHits') AS hits,
              (SELECT toString(sum(value)) FROM system.metrics WHERE metric = 'UncompressedCacheBytes') AS bytes`,
      {},
    );
    return { hits: Number(row?.hits), bytes: Number(row?.bytes) };
  };
  const read = (pool: ReadPool) => pool.rows('SELECT sum(n) AS total, max(label) AS last FROM blocks', {});

  beforeAll(async () => {
    client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
    await client.command({ query: 'CREATE TABLE blocks (n UInt64, label String) ENGINE = MergeTree ORDER BY n' });
    await client.command({ query: "INSERT INTO blocks SELECT number, concat('label ', toString(number)) FROM numbers(200000)" });
  });
  afterAll(async () => {
    await client.close();
  });

  it('is sized by the first connection to the data directory', async () => {
    const [setting] = await rows<{ value: string }>(
      client,
      "SELECT value FROM system.server_settings WHERE name = 'uncompressed_cache_size'",
      {},
    );
    expect(Number(setting?.value)).toBe(READ_CACHE_MAX_BYTES);
  });

  it("serves a pool's repeated read from decompressed blocks, and is emptied once no read came for a while", async () => {
    const pool = await ReadPool.open(readPoolOf(client)!.path, 1, { use_uncompressed_cache: 1 }, { cacheIdleMs: 500 });
    try {
      await client.command({ query: 'SYSTEM DROP UNCOMPRESSED CACHE' });
      // The gauge is the process's: an engine of an earlier test, closed, can have left bytes in it.
      const emptied = (await cache()).bytes;
      await read(pool);
      const before = await cache();
      expect(before.bytes).toBeGreaterThan(emptied);
      await read(pool);
      expect((await cache()).hits).toBeGreaterThan(before.hits);
      await expect.poll(async () => (await cache()).bytes, { interval: 100, timeout: 5000 }).toBe(emptied);
    } finally {
      await pool.close();
    }
  });

  it('is left alone by a pool that does not use it', async () => {
    const pool = await ReadPool.open(readPoolOf(client)!.path, 1);
    try {
      await client.command({ query: 'SYSTEM DROP UNCOMPRESSED CACHE' });
      const before = await cache();
      await read(pool);
      await read(pool);
      expect(await cache()).toEqual(before);
    } finally {
      await pool.close();
    }
  });
});

describe('closing the client', () => {
  it('closes its pool, so the engine lets the data directory go and another can be opened', async () => {
    const client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
    const pool = readPoolOf(client)!;
    await client.close();
    await expect(pool.rows('SELECT 1', {})).rejects.toThrow(/closed/);
    // The engine binds one data directory per process: a connection left open would refuse this one.
    const next = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
    await next.close();
  });
});
