import type { ClickHouseClient } from '@clickhouse/client';

const DAY_MS = 86_400_000;

/** The UTC day number (days since 1970-01-01) of a time in milliseconds. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** `2026-12-06` for a day number, as ClickHouse's Date reads it. */
function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Whether an insert was refused because the key is stored already: what a KeeperMap answers with
 * keeper_map_strict_mode = 1 (code 999, KEEPER_EXCEPTION, "Transaction failed (Node exists)").
 */
export function isRefusedOffer(error: unknown): boolean {
  const { code, type, message } = (error ?? {}) as { code?: unknown; type?: unknown; message?: unknown };
  return code === '999' && type === 'KEEPER_EXCEPTION' && typeof message === 'string' && message.includes('(Node exists)');
}

/**
 * The daily salts kept in ClickHouse (migration 0025), so every process, before and after a restart,
 * hashes a day's visitors with the same salt. Each process offers a salt and reads back the winner.
 * On one server (a MergeTree) the offer carries the day's deduplication token, so only the first
 * is stored and a later one is dropped as its repeat (migration 0069): the earliest insert time
 * alone could not decide, since an offer made first may be committed after another process read
 * back its own (seen: 1 day in 40 raced). On a cluster the table is a KeeperMap keyed by day (clickhouse/cluster-schema.ts): the
 * offer is inserted in strict mode, so the first one stored is the only one, on every server at
 * once, and a later offer is refused; without strict mode it would replace the first, and a replica
 * that had read back its own salt would keep hashing with it.
 */
export class DailySalts {
  constructor(private readonly client: ClickHouseClient) {}

  /** The day's salt: the stored one, else `offer` once stored (or another process's, stored first). */
  async saltOf(day: number, offer: Buffer): Promise<Buffer> {
    const stored = await this.winner(day);
    if (stored) return stored;
    try {
      // The first offer of a day stays: a KeeperMap (a cluster) refuses the next (strict mode), a
      // MergeTree (one server) drops it as a repeat of the day's token (migration 0069). The
      // settings in the statement (why: clickhouse/client.ts).
      await this.client.command({
        query: `INSERT INTO visitor_salts (day, salt)
                SETTINGS insert_deduplication_token = {token:String}, keeper_map_strict_mode = 1
                SELECT {day:Date}, {salt:String}`,
        query_params: { token: `salt/${dateOf(day)}`, day: dateOf(day), salt: offer.toString('hex') },
      });
    } catch (error) {
      // Refused: another replica stored its offer first, and that is the day's salt. Anything else
      // (ClickHouse away) fails the refresh, which is tried again next minute.
      if (!isRefusedOffer(error)) throw error;
      const stored = await this.winner(day);
      if (stored) return stored;
      throw error;
    }
    return (await this.winner(day)) ?? offer;
  }

  /** Deletes the salts of every day before `day`: an id of a past day can no longer be recomputed. */
  async forgetBefore(day: number): Promise<void> {
    // A delete is a mutation of the table's parts: only when there is something to delete.
    const old = await this.client.query({
      query: 'SELECT count() AS n FROM visitor_salts WHERE day < {day:Date}',
      query_params: { day: dateOf(day) },
      format: 'JSONEachRow',
    });
    if (Number((await old.json<{ n: string }>())[0]?.n ?? 0) === 0) return;
    await this.client.command({
      query: 'DELETE FROM visitor_salts WHERE day < {day:Date}',
      query_params: { day: dateOf(day) },
    });
  }

  /** The days that still have a salt, for tests and checks. */
  async days(): Promise<number[]> {
    const result = await this.client.query({
      query: 'SELECT DISTINCT toUInt32(day) AS day FROM visitor_salts ORDER BY day',
      format: 'JSONEachRow',
    });
    return (await result.json<{ day: number }>()).map((row) => Number(row.day));
  }

  private async winner(day: number): Promise<Buffer | undefined> {
    const result = await this.client.query({
      query: 'SELECT argMin(salt, (created, salt)) AS salt FROM visitor_salts WHERE day = {day:Date}',
      query_params: { day: dateOf(day) },
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ salt: string }>();
    return row?.salt ? Buffer.from(row.salt, 'hex') : undefined;
  }
}
