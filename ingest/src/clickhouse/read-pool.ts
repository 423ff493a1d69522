import { type ClickHouseClient, type ClickHouseClientConfigOptions, createClient } from '@clickhouse/client';
import type { inlineParams } from './inline-params.js';

/**
 * The longest statement a pool's connection parses. Written in, the values count towards it (bound
 * they do not): the engagement path lists up to 10,000 visits' keys (stats/engagement.ts), about
 * 210 kB each of the three times the list appears, past the engine's default of 256 KiB.
 */
const MAX_QUERY_BYTES = 16 * 1024 * 1024;

/**
 * Reads of the embedded engine side by side: a few connections to the same data directory, which
 * share one engine (and its data) but each run their own statement, so the statements a summary
 * sends at once (stats/stats.ts) run at once instead of in turn. Each connection runs one statement
 * at a time; a read waits for the first free one. The parameters are written into the statement
 * (inline-params.ts): bound, they would be run one at a time for the whole process again.
 * Writes and schema changes keep to the client's own connection.
 */
export class ReadPool {
  readonly #free: ClickHouseClient[];
  readonly #all: ClickHouseClient[];
  readonly #waiting: Array<(client: ClickHouseClient) => void> = [];
  readonly #inline: typeof inlineParams;
  #cacheRelease: BlockCacheRelease | undefined;

  private constructor(
    readonly path: string,
    clients: ClickHouseClient[],
    inline: typeof inlineParams,
  ) {
    this.#all = clients;
    this.#free = [...clients];
    this.#inline = inline;
  }

  /**
   * `size` connections to the engine's data directory at `path`, with `settings` for each one's
   * session. With `use_uncompressed_cache` among them, the engine's block cache is emptied once no
   * read came for `cacheIdleMs` (BlockCacheRelease below).
   */
  static async open(
    path: string,
    size: number,
    settings: Readonly<Record<string, number>> = {},
    { cacheIdleMs = BLOCK_CACHE_IDLE_MS }: { cacheIdleMs?: number } = {},
  ): Promise<ReadPool> {
    // Loaded only here, as in client.ts: a service using a server never needs the engine, nor the
    // client's formatter as a package of its own (the server's client carries its own copy).
    const { createChdbConnection } = await import('chdb/connection');
    const { inlineParams } = await import('./inline-params.js');
    const clients = Array.from({ length: size }, () => {
      // chdb implements the client's Connection interface against its own copy of the client's types.
      const connection = createChdbConnection({ path }) as unknown as NonNullable<ClickHouseClientConfigOptions['connection']>;
      return createClient({ connection });
    });
    // Settings of each connection's session, kept for its every statement and for its statements
    // only (the client's own connection keeps its own). The query size has to be: its limit is
    // applied while a statement is parsed, before a SETTINGS clause of its own could be read.
    const set = Object.entries({ max_query_size: MAX_QUERY_BYTES, ...settings }).map(([name, value]) => `${name} = ${value}`);
    for (const client of clients) await client.command({ query: `SET ${set.join(', ')}` });
    const pool = new ReadPool(path, clients, inlineParams);
    if (settings.use_uncompressed_cache) pool.#cacheRelease = new BlockCacheRelease(cacheIdleMs, () => pool.#dropBlockCache());
    return pool;
  }

  get size(): number {
    return this.#all.length;
  }

  /**
   * The rows of a read, its `{name:Type}` placeholders filled from `params`. Reads wait for a free
   * connection in the order sent, but a `followUp` (a read that needed another's answer first, for
   * the same request) goes ahead of the waiting ones: sent after all its request's other reads, it
   * would start last and the request would wait for it alone at the end.
   */
  async rows<Row>(query: string, params: Readonly<Record<string, unknown>>, options: ReadOptions = {}): Promise<Row[]> {
    const sql = this.#inline(query, params);
    try {
      return await this.#onFreeConnection(options, async (client) =>
        (await client.query({ query: sql, format: 'JSONEachRow' })).json<Row>(),
      );
    } finally {
      this.#cacheRelease?.read();
    }
  }

  async #onFreeConnection<T>(options: ReadOptions, work: (client: ClickHouseClient) => Promise<T>): Promise<T> {
    const client =
      this.#free.pop() ??
      (await new Promise<ClickHouseClient>((resolve) => (options.followUp ? this.#waiting.unshift(resolve) : this.#waiting.push(resolve))));
    try {
      return await work(client);
    } finally {
      const next = this.#waiting.shift();
      if (next) next(client);
      else this.#free.push(client);
    }
  }

  async #dropBlockCache(): Promise<void> {
    await this.#onFreeConnection({}, (client) => client.command({ query: 'SYSTEM DROP UNCOMPRESSED CACHE' }));
  }

  /** Closes every connection (the engine lets its data directory go once the last one closes). */
  async close(): Promise<void> {
    this.#cacheRelease?.stop();
    await Promise.all(this.#all.map((client) => client.close()));
  }
}

/**
 * How long after the last read the engine's block cache is emptied. The overview's live page reads
 * its summary every few seconds, so the cache stays while someone watches; the engagement fold's
 * round (a read a minute) refills it only with the few blocks it reads.
 */
export const BLOCK_CACHE_IDLE_MS = 30_000;

/**
 * The engine's cache of decompressed column blocks (`use_uncompressed_cache`, sized by
 * READ_CACHE_MAX_BYTES: clickhouse/client.ts) holds what the last reads decompressed, for as long
 * as the process lives: on the read benchmark's store, the 24h to all summaries left 130 MB in it,
 * 115 MiB more anonymous memory than the same reads without it, given back when it is emptied.
 * Emptied once no read came for a while, it costs memory only while the overview is being read.
 */
class BlockCacheRelease {
  readonly #timer: NodeJS.Timeout;
  /** When the last read ended (performance.now()); undefined when none ran since the cache was emptied. */
  #lastReadAt: number | undefined;

  constructor(idleMs: number, drop: () => Promise<void>) {
    // Checked a few times per idle spell (as idle-heap-release.ts samples), not re-armed per read:
    // an interval costs a wake-up every 10 s, a timeout re-armed by every read a timer per read.
    this.#timer = setInterval(
      () => {
        const last = this.#lastReadAt;
        if (last === undefined || performance.now() - last < idleMs) return;
        this.#lastReadAt = undefined;
        // A drop that fails (the pool closing) leaves the cache to the next check.
        drop().catch(() => {
          this.#lastReadAt ??= last;
        });
      },
      Math.max(1, Math.floor(idleMs / 3)),
    );
    this.#timer.unref();
  }

  /** A read ended: the cache is emptied about `idleMs` after the last one. */
  read(): void {
    this.#lastReadAt = performance.now();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/**
 * Ends a statement of a background job that reads through the pool but should leave the cache to
 * the owner's reads: the engagement fold reads the insert marks and times of every new event once,
 * and after a burst of writes those blocks would hold tens of MiB until the cache is emptied.
 */
export const OUTSIDE_BLOCK_CACHE = 'SETTINGS use_uncompressed_cache = 0';

export interface ReadOptions {
  /** Goes ahead of the reads waiting for a connection (ReadPool.rows). */
  followUp?: boolean;
}

/** Where a client of the embedded engine keeps its read pool (clickhouse/client.ts). */
const READ_POOL = Symbol.for('footfall.clickhouse.readPool');

/** The read pool of a client of the embedded engine; none for a server's client. */
export function readPoolOf(client: ClickHouseClient): ReadPool | undefined {
  return (client as unknown as Record<symbol, ReadPool | undefined>)[READ_POOL];
}

/** Gives `client` its read pool, or none (its reads then bind their parameters on its own connection). */
export function setReadPool(client: ClickHouseClient, pool: ReadPool | undefined): void {
  (client as unknown as Record<symbol, ReadPool | undefined>)[READ_POOL] = pool;
}
