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
 * The daily salts kept in ClickHouse (migration 0025), so every process, before and after a restart,
 * hashes a day's visitors with the same salt. ClickHouse has no compare-and-set: each process
 * offers a salt and reads back the winner, the first stored (earliest insert time, then smallest
 * salt), which every reader sees the same once both offers are stored.
 */
export class DailySalts {
  constructor(private readonly client: ClickHouseClient) {}

  /** The day's salt: the stored one, else `offer` once stored (or another process's, stored first). */
  async saltOf(day: number, offer: Buffer): Promise<Buffer> {
    const stored = await this.winner(day);
    if (stored) return stored;
    try {
      await this.client.insert({
        table: 'visitor_salts',
        values: [{ day: dateOf(day), salt: offer.toString('hex') }],
        format: 'JSONEachRow',
      });
    } catch (error) {
      // A table keyed by day that refuses a second offer (a cluster's KeeperMap, docs/scaling.md):
      // another process won; its salt is the one stored.
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
