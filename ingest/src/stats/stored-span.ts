/**
 * Where a site's stored history begins: its oldest hourly rollup bucket and its oldest raw event.
 * The rollups are kept longer than raw events (RETENTION_ROLLUPS_DAYS >= RETENTION_EVENTS_DAYS),
 * so `all` reaches back to the oldest day either holds, and a part of a summary read from raw
 * events (a filtered one) over a time older than raw events says it is partial.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { rows } from './run-query.js';

export interface StoredSpan {
  /** The oldest stored instant of the site, epoch seconds; null when nothing is stored. */
  oldest: number | null;
  /** The oldest raw event's instant, epoch seconds; null when no raw event is stored. */
  rawFrom: number | null;
}

export async function readStoredSpan(client: ClickHouseClient, site: string): Promise<StoredSpan> {
  const [found] = await rows<{ day: number | null; raw: number | null }>(
    client,
    `SELECT (SELECT toUnixTimestamp(minOrNull(hour)) FROM events_per_hour WHERE site = {site:String}) AS day,
            (SELECT toUnixTimestamp(minOrNull(ts)) FROM events WHERE site = {site:String}) AS raw`,
    { site },
  );
  const day = found?.day ?? null;
  const raw = found?.raw ?? null;
  const known = [day, raw].filter((value): value is number => value !== null).map(Number);
  return { oldest: known.length === 0 ? null : Math.min(...known), rawFrom: raw === null ? null : Number(raw) };
}
