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

  private constructor(
    readonly path: string,
    clients: ClickHouseClient[],
    inline: typeof inlineParams,
  ) {
    this.#all = clients;
    this.#free = [...clients];
    this.#inline = inline;
  }

  /** `size` connections to the engine's data directory at `path`, with `settings` for each one's session. */
  static async open(path: string, size: number, settings: Readonly<Record<string, number>> = {}): Promise<ReadPool> {
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
    return new ReadPool(path, clients, inlineParams);
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
    const client =
      this.#free.pop() ??
      (await new Promise<ClickHouseClient>((resolve) => (options.followUp ? this.#waiting.unshift(resolve) : this.#waiting.push(resolve))));
    try {
      const result = await client.query({ query: sql, format: 'JSONEachRow' });
      return await result.json<Row>();
    } finally {
      const next = this.#waiting.shift();
      if (next) next(client);
      else this.#free.push(client);
    }
  }

  /** Closes every connection (the engine lets its data directory go once the last one closes). */
  async close(): Promise<void> {
    await Promise.all(this.#all.map((client) => client.close()));
  }
}

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
