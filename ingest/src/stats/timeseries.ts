/** Visitors, visits, page views and room entries over time, one point per step, gaps filled with zeros. */
import type { ClickHouseClient } from '@clickhouse/client';
import { count, rows } from './query.js';

export interface TimePoint {
  /** Start of the step, epoch seconds. */
  time: number;
  visitors: number;
  visits: number;
  page_views: number;
  room_entries: number;
}

export async function readTimeseries(
  client: ClickHouseClient,
  params: { site: string; seconds: number },
  stepSeconds: number,
): Promise<TimePoint[]> {
  // WITH FILL adds the empty steps, so a chart shows a quiet hour as zero, not as a straight line.
  const found = await rows<Record<keyof TimePoint, string>>(
    client,
    `SELECT toUnixTimestamp(toStartOfInterval(minute, toIntervalSecond({step:UInt32}))) AS time,
            uniqMerge(visitors) AS visitors,
            uniqMerge(sessions) AS visits,
            sumIf(events, type = 'page_view') AS page_views,
            sumIf(events, type = 'room_enter') AS room_entries
     FROM events_per_minute
     WHERE site = {site:String} AND minute >= toStartOfInterval(now() - {seconds:UInt32}, toIntervalSecond({step:UInt32}))
     GROUP BY time
     ORDER BY time WITH FILL
       FROM toUnixTimestamp(toStartOfInterval(now() - {seconds:UInt32}, toIntervalSecond({step:UInt32})))
       TO toUnixTimestamp(now()) + 1
       STEP {step:UInt32}`,
    { ...params, step: stepSeconds },
  );
  return found.map((row) => ({
    time: count(row.time),
    visitors: count(row.visitors),
    visits: count(row.visits),
    page_views: count(row.page_views),
    room_entries: count(row.room_entries),
  }));
}
