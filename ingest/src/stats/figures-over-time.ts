/**
 * The headline figures of a range, the same for the period of equal length just before it, and
 * the range's time series, in one query. Each stretch of the two periods is read from the
 * coarsest table that holds it at the time series' step (rollups.ts): the hourly rollup for a
 * 24-hour or 7-day range, the daily one too for 30 days, raw events for the edges, for steps of a
 * minute and for filtered summaries. A rollup bucket's distinct visitors and visits are one state
 * on its `all` row (migration 0021), its counts on its `type` rows; a raw part yields the same
 * states (uniq of the 64-bit keys) and counts, all merged per period and per step: GROUPING SETS give both from one pass (a visitor counts
 * once in the total however many steps it appears in, which sums of steps could not give).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { activeFilters, visitsMatching, type Filters } from './filters.js';
import { count, rows } from './query.js';
import type { RangeParams } from './range.js';
import { bySource, GRAIN_SECONDS, grainsFor, stretchesOf, timeCondition, TimeParams, type Grain } from './rollups.js';

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
  visitors: string;
  visits: string;
  page_views: string;
  room_entries: string;
}

const EMPTY: Headline = { visitors: 0, visits: 0, page_views: 0, room_entries: 0 };

/**
 * Visitors and visits are `uniq` of the ids' 64-bit keys (exact for small sets, within about 1 %
 * beyond tens of thousands), the same whether a stretch comes from a rollup or from raw events;
 * page views and room entries are exact counts. Events without ids (Do Not Track) count as views
 * but as nobody.
 */
export async function readFiguresOverTime(
  client: ClickHouseClient,
  params: RangeParams,
  stepSeconds: number,
  filters: Filters = {},
  { rollups = true } = {},
): Promise<{ current: Headline; previous: Headline; timeseries: TimePoint[] }> {
  const { now, seconds } = params;
  // A rollup serves the time series only if its buckets tile the step.
  const fitting = (Object.keys(GRAIN_SECONDS) as Grain[]).filter((grain) => stepSeconds % GRAIN_SECONDS[grain] === 0);
  const grains = rollups ? grainsFor(activeFilters(filters).length > 0, fitting) : [];
  const stretches = [...stretchesOf(now - seconds, undefined, grains, now), ...stretchesOf(now - 2 * seconds, now - seconds, grains)];
  const times = new TimeParams();
  const currentFrom = times.time(now - seconds);
  const matching = visitsMatching(filters, `${times.time(now - 2 * seconds)}`);
  const parts = bySource(stretches).map(({ source, table, time, stretches: own }) =>
    source === 'raw'
      ? `SELECT ts >= ${currentFrom} AS current, intDiv(toUnixTimestamp(toDateTime(ts)), {step:UInt32}) * {step:UInt32} AS bucket,
                1 AS distinct_counts,
                uniqStateIf(visitor_key, visitor_key != 0) AS visitors,
                uniqStateIf(session_key, session_key != 0) AS visits,
                countIf(type = 'page_view') AS page_views,
                countIf(type = 'room_enter') AS room_entries
         FROM events
         WHERE site = {site:String} AND (${timeCondition('ts', own, times)})${matching.sql}
         GROUP BY current, bucket`
      : `SELECT ${time} >= ${currentFrom} AS current, intDiv(toUnixTimestamp(${time}), {step:UInt32}) * {step:UInt32} AS bucket,
                dimension = 'all' AS distinct_counts, visitors, visits,
                if(dimension = 'type' AND value = 'page_view', events, 0) AS page_views,
                if(dimension = 'type' AND value = 'room_enter', events, 0) AS room_entries
         FROM ${table}
         WHERE site = {site:String} AND dimension IN ('all', 'type') AND (${timeCondition(time, own, times)})`,
  );
  const found = await rows<Row>(
    client,
    `SELECT current, if(current, bucket, 0) AS time,
            uniqMergeIf(visitors, distinct_counts) AS visitors, uniqMergeIf(visits, distinct_counts) AS visits,
            sum(page_views) AS page_views, sum(room_entries) AS room_entries
     FROM (${parts.join('\n UNION ALL \n')})
     GROUP BY GROUPING SETS ((current), (time))
     SETTINGS group_by_use_nulls = 1`,
    { site: params.site, ...matching.params, ...times.values, step: stepSeconds },
  );
  const figures = (row: Row | undefined): Headline =>
    row
      ? {
          visitors: count(row.visitors),
          visits: count(row.visits),
          page_views: count(row.page_views),
          room_entries: count(row.room_entries),
        }
      : EMPTY;
  const totals = found.filter((row) => row.time === null);
  const byTime = new Map(found.filter((row) => row.current === null && Number(row.time) > 0).map((row) => [Number(row.time), row]));

  // Every step of the range, empty ones as zero: a quiet hour is a zero, not a straight line.
  const timeseries: TimePoint[] = [];
  for (let time = Math.floor((now - seconds) / stepSeconds) * stepSeconds; time <= now; time += stepSeconds) {
    timeseries.push({ time, ...figures(byTime.get(time)) });
  }
  return {
    current: figures(totals.find((row) => Number(row.current) === 1)),
    previous: figures(totals.find((row) => Number(row.current) === 0)),
    timeseries,
  };
}
