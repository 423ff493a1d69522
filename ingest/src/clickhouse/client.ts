import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { ReadPool, setReadPool } from './read-pool.js';

/**
 * One client, two engines: a ClickHouse server over HTTP when `url` is given, otherwise the
 * embedded engine (chdb) storing its data under `dataDir`. Everything above uses the same API.
 */
// Settings go in the statement (`... SETTINGS mutations_sync = 2`), never in a call's
// `clickhouse_settings`: the embedded engine's adapter turns those into `SET` statements of its one
// session, so they stay on for every later statement. A lease's `insert_deduplication_token` kept
// so made later inserts without a token of their own look like repeats, dropped without a word
// (test/statement-settings.test.ts).

/** Connections of the embedded engine's read pool (clickhouse/read-pool.ts). */
export const READ_CONNECTIONS = 3;

/**
 * Threads each read of the pool may use: the cores shared out among its connections, at least
 * one. The engine's default is every core for each statement; the summary's statements running
 * side by side then contend for them and spend more CPU in all. With 2 cores, each statement on
 * one thread, against the default, the read bench's summary (3 connections, in turn, 9 runs,
 * median CPU ms): 5m 209 / 228, 24h 571 / 588, 30d 778 / 826, 12mo 952 / 989, all 1,087 / 1,110.
 */
export const READ_THREADS = Math.max(1, Math.floor(availableParallelism() / READ_CONNECTIONS));

/**
 * Bytes of decompressed column blocks the embedded engine keeps for its reads (READ_CACHE_MAX_BYTES;
 * 0: none). Without it every read decompresses the blocks it reads again, though the overview
 * reads the same recent ones every few seconds. The read bench's summary on a million events (3
 * connections, 5 runs each in turn with a pool without the cache, medians), CPU ms with / without:
 * 24h 281 / 333, 7d 342 / 418, 30d 416 / 517, 12mo 529 / 619, all 518 / 600; wall ms 24h 158 /
 * 183, 7d 190 / 224, 30d 232 / 281. Its reads of 24h to all left 130 MB in it. On ten million
 * events the reads' blocks outgrow it: 256 MiB saved 10 % of 24h's CPU and 3-4 % of 7d's and
 * 30d's, 1 GiB 15-21 %. The cache is emptied when reads stop (clickhouse/read-pool.ts).
 */
export const READ_CACHE_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The engine keeps a read of more than a million rows out of the cache by default, so that one long
 * read cannot push out what short ones need. Here the cache's size is the only bound: the summary's
 * reads are what fills it, and on ten million events most read more (with 1 GiB and this bound
 * lifted the summary spent 1,132 / 1,489 / 2,284 ms of CPU at 24h / 7d / 30d against 1,325 / 1,874
 * / 2,837 without the cache).
 */
const ROWS_A_READ_MAY_CACHE = 1_000_000_000_000;

/** The settings of the read pool's sessions, with the engine's block cache or without it (the read bench's baseline). */
export function readPoolSettings(blockCache: boolean): Record<string, number> {
  return blockCache
    ? { max_threads: READ_THREADS, use_uncompressed_cache: 1, merge_tree_max_rows_to_use_cache: ROWS_A_READ_MAY_CACHE }
    : { max_threads: READ_THREADS };
}

/** Set on a client of the embedded engine: it shares this machine's files (clickhouse/client.ts). */
const EMBEDDED = Symbol.for('footfall.clickhouse.embedded');

/** True for a client of the embedded engine, which can read the write-ahead log's files itself. */
export function isEmbedded(client: ClickHouseClient): boolean {
  return (client as unknown as Record<symbol, unknown>)[EMBEDDED] === true;
}

export async function createClickHouse(options: {
  url: string | undefined;
  dataDir: string;
  /** The embedded engine's block cache for reads (READ_CACHE_MAX_BYTES by default). */
  readCacheBytes?: number;
}): Promise<ClickHouseClient> {
  if (options.url) {
    return createClient({ url: options.url, request_timeout: 30_000 });
  }
  const path = join(options.dataDir, 'clickhouse');
  mkdirSync(path, { recursive: true });
  // Loaded only here: the engine is a large library that a service using a server never needs.
  const [{ createChdbConnection }, { Session }] = await Promise.all([import('chdb/connection'), import('chdb')]);
  const cacheBytes = options.readCacheBytes ?? READ_CACHE_MAX_BYTES;
  // The engine takes its server settings (the cache's size among them) from the first connection
  // to its data directory, as command-line arguments; the client's connections take none.
  const engine = new Session(path, { connectionArgs: [`--uncompressed_cache_size=${cacheBytes}`] });
  // chdb implements the client's Connection interface against its own copy of the client's
  // types, which TypeScript sees as different declarations of the same shapes.
  const connection = createChdbConnection({ path }) as unknown as NonNullable<ClickHouseClientConfigOptions['connection']>;
  const client = createClient({ connection });
  Object.defineProperty(client, EMBEDDED, { value: true });
  // The reads (stats/run-query.ts) go to a pool of their own, closed with the client: a connection
  // left open would keep the engine, and the data directory's lock, after the client closed.
  let pool: ReadPool;
  try {
    pool = await ReadPool.open(path, READ_CONNECTIONS, readPoolSettings(cacheBytes > 0));
  } catch (error) {
    await client.close();
    engine.close();
    throw error;
  }
  setReadPool(client, pool);
  const close = client.close.bind(client);
  client.close = async () => {
    await pool.close();
    await close();
    engine.close();
  };
  return client;
}
