/** The headline figures of a range and of the period of the same length just before it. */
import type { ClickHouseClient } from '@clickhouse/client';
import { count, rows } from './query.js';

export interface Headline {
  visitors: number;
  visits: number;
  page_views: number;
  room_entries: number;
}

/**
 * From the per-minute rollup, one pass over both periods. Visitors and visits are `uniq` states
 * merged across minutes: exact for small sets, within about 1 % beyond tens of thousands.
 */
export async function readHeadline(
  client: ClickHouseClient,
  params: { site: string; seconds: number },
): Promise<{ current: Headline; previous: Headline }> {
  const found = await rows<{ current: number; visitors: string; visits: string; page_views: string; room_entries: string }>(
    client,
    `SELECT minute >= toStartOfMinute(now() - {seconds:UInt32}) AS current,
            uniqMerge(visitors) AS visitors,
            uniqMerge(sessions) AS visits,
            sumIf(events, type = 'page_view') AS page_views,
            sumIf(events, type = 'room_enter') AS room_entries
     FROM events_per_minute
     WHERE site = {site:String} AND minute >= toStartOfMinute(now() - 2 * {seconds:UInt32})
     GROUP BY current`,
    params,
  );
  const of = (current: boolean): Headline => {
    const row = found.find((candidate) => Boolean(Number(candidate.current)) === current);
    return {
      visitors: count(row?.visitors),
      visits: count(row?.visits),
      page_views: count(row?.page_views),
      room_entries: count(row?.room_entries),
    };
  };
  return { current: of(true), previous: of(false) };
}
