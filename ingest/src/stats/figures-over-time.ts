/**
 * The headline figures of a range, the same for the period of equal length just before it, and
 * the range's time series: one scan of the raw events of both periods. GROUPING SETS give the
 * per-period totals and the per-step points from that one pass (a visitor counts once in the
 * total however many steps it appears in, which sums of steps could not give).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { visitsMatching, type Filters } from './filters.js';
import { count, rows } from './query.js';

export interface Headline {
  visitors: number;
  visits: number;
  page_views: number;
  room_entries: number;
}

export interface TimePoint extends Headline {
  /** Start of the step, epoch seconds. */
  time: number;
}

interface Row {
  current: number | null;
  time: string | null;
  now: string;
  visitors: string;
  visits: string;
  page_views: string;
  room_entries: string;
}

const EMPTY: Headline = { visitors: 0, visits: 0, page_views: 0, room_entries: 0 };

/**
 * Visitors and visits are `uniq` of the ids' 64-bit keys (exact for small sets, within about 1 %
 * beyond tens of thousands); events without ids (Do Not Track) count as views but as nobody.
 */
export async function readFiguresOverTime(
  client: ClickHouseClient,
  params: { site: string; seconds: number },
  stepSeconds: number,
  filters: Filters = {},
): Promise<{ current: Headline; previous: Headline; timeseries: TimePoint[] }> {
  const matching = visitsMatching(filters, 'now() - 2 * {seconds:UInt32}');
  const found = await rows<Row>(
    client,
    `SELECT ts >= now() - {seconds:UInt32} AS current,
            if(current, toUnixTimestamp(toStartOfInterval(ts, toIntervalSecond({step:UInt32}))), 0) AS time,
            toUnixTimestamp(now()) AS now,
            uniqIf(visitor_key, visitor_key != 0) AS visitors,
            uniqIf(session_key, session_key != 0) AS visits,
            countIf(type = 'page_view') AS page_views,
            countIf(type = 'room_enter') AS room_entries
     FROM events
     WHERE site = {site:String} AND ts >= now() - 2 * {seconds:UInt32}${matching.sql}
     GROUP BY GROUPING SETS ((current), (time))
     SETTINGS group_by_use_nulls = 1`,
    { ...params, ...matching.params, step: stepSeconds },
  );
  const figures = (row: Row | undefined): Headline =>
    row
      ? { visitors: count(row.visitors), visits: count(row.visits), page_views: count(row.page_views), room_entries: count(row.room_entries) }
      : EMPTY;
  const totals = found.filter((row) => row.time === null);
  const byTime = new Map(found.filter((row) => row.current === null && Number(row.time) > 0).map((row) => [Number(row.time), row]));

  // Every step of the range, empty ones as zero: a quiet hour is a zero, not a straight line.
  const now = Number(found[0]?.now ?? Math.floor(Date.now() / 1000));
  const timeseries: TimePoint[] = [];
  for (let time = Math.floor((now - params.seconds) / stepSeconds) * stepSeconds; time <= now; time += stepSeconds) {
    timeseries.push({ time, ...figures(byTime.get(time)) });
  }
  return {
    current: figures(totals.find((row) => Number(row.current) === 1)),
    previous: figures(totals.find((row) => Number(row.current) === 0)),
    timeseries,
  };
}
