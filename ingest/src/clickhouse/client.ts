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

/** Set on a client of the embedded engine: it shares this machine's files (clickhouse/client.ts). */
const EMBEDDED = Symbol.for('footfall.clickhouse.embedded');

/** True for a client of the embedded engine, which can read the write-ahead log's files itself. */
export function isEmbedded(client: ClickHouseClient): boolean {
  return (client as unknown as Record<symbol, unknown>)[EMBEDDED] === true;
}

export async function createClickHouse(options: { url: string | undefined; dataDir: string }): Promise<ClickHouseClient> {
  if (options.url) {
    return createClient({ url: options.url, request_timeout: 30_000 });
  }
  const path = join(options.dataDir, 'clickhouse');
  mkdirSync(path, { recursive: true });
  // Loaded only here: the engine is a large library that a service using a server never needs.
  const { createChdbConnection } = await import('chdb/connection');
  // chdb implements the client's Connection interface against its own copy of the client's
  // types, which TypeScript sees as different declarations of the same shapes.
  const connection = createChdbConnection({ path }) as unknown as NonNullable<ClickHouseClientConfigOptions['connection']>;
  const client = createClient({ connection });
  Object.defineProperty(client, EMBEDDED, { value: true });
  // The reads (stats/run-query.ts) go to a pool of their own, closed with the client: a connection
  // left open would keep the engine, and the data directory's lock, after the client closed.
  const pool = await ReadPool.open(path, READ_CONNECTIONS, { max_threads: READ_THREADS });
  setReadPool(client, pool);
  const close = client.close.bind(client);
  client.close = async () => {
    await pool.close();
    await close();
  };
  return client;
}
