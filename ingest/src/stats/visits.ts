/** Visits (sessions): where they begin and end, how many bounce, how long they last. */
import type { ClickHouseClient } from '@clickhouse/client';
import { activeFilters, visitsMatching, type Filters } from './filters.js';
import { LIST_LENGTH } from './lists.js';
import { count, rows } from './query.js';
import type { RangeParams } from './range.js';
import { bySource, grainsFor, stretchesOf, timeCondition, TimeParams } from './rollups.js';

export interface Visits {
  entry_pages: Array<{ path: string; visits: number }>;
  exit_pages: Array<{ path: string; visits: number }>;
  /** Visits with at most one page view and no room entry. */
  bounce_rate: number;
  /** Mean time from a visit's first event to its last, in seconds. */
  visit_duration_s: number;
}

/**
 * One row per visit of the range, grouped by session key (migration 0008): each visit's first
 * and last page view are its entry and exit pages; the visit itself gives bounce and duration.
 * A visit that started before the range counts from its first event inside it. Whole hours come
 * from the per-visit rollup (migration 0016: a visit's first and last page view, first and last
 * event and counts per hour), the edges of the range and filtered summaries from raw events
 * turned into the same states; merged per visit, they give exactly what grouping the visit's raw
 * events would (every figure here is exact; ties between page views stamped the same millisecond
 * may resolve either way, as they always could). A range reads one rollup row per visit and hour
 * instead of every event.
 */
export async function readVisits(
  client: ClickHouseClient,
  params: RangeParams,
  filters: Filters = {},
  { rollups = true } = {},
): Promise<Visits> {
  const { now, seconds } = params;
  const stretches = stretchesOf(now - seconds, undefined, rollups ? grainsFor(activeFilters(filters).length > 0, ['hour']) : [], now);
  const times = new TimeParams();
  const matching = visitsMatching(filters, times.time(now - seconds));
  const parts = bySource(stretches).map(({ source, stretches: own }) =>
    source === 'raw'
      ? `SELECT session_key,
                argMinStateIf(path, ts, type = 'page_view') AS entry,
                argMaxStateIf(path, ts, type = 'page_view') AS exit,
                min(ts) AS first_ts, max(ts) AS last_ts,
                countIf(type = 'page_view') AS page_views, countIf(type = 'room_enter') AS room_entries
         FROM events
         WHERE site = {site:String} AND session_key != 0 AND (${timeCondition('ts', own, times)})${matching.sql}
         GROUP BY session_key`
      : `SELECT session_key, entry, exit, first_ts, last_ts, page_views, room_entries
         FROM visits_per_hour
         WHERE site = {site:String} AND (${timeCondition('hour', own, times)})`,
  );
  const found = await rows<{ kind: string; path: string; n: string; bounces: string; duration_ms: string }>(
    client,
    `SELECT item.1 AS kind, item.2 AS path, count() AS n,
            countIf(views <= 1 AND rooms = 0) AS bounces, sum(duration_ms) AS duration_ms
     FROM (
       SELECT argMinMerge(entry) AS entry_page, argMaxMerge(exit) AS exit_page,
              sum(page_views) AS views, sum(room_entries) AS rooms,
              toUInt64(dateDiff('millisecond', min(first_ts), max(last_ts))) AS duration_ms
       FROM (${parts.join('\n UNION ALL \n')})
       GROUP BY session_key
     )
     ARRAY JOIN if(views = 0, [('visit', '')], [('visit', ''), ('entry', entry_page), ('exit', exit_page)]) AS item
     GROUP BY kind, path
     ORDER BY kind, n DESC, path
     LIMIT {limit:UInt32} BY kind`,
    { site: params.site, ...matching.params, ...times.values, limit: LIST_LENGTH },
  );
  const of = (kind: string) => found.filter((row) => row.kind === kind);
  const visit = of('visit')[0];
  const visits = count(visit?.n);
  return {
    entry_pages: of('entry').map((row) => ({ path: row.path, visits: count(row.n) })),
    exit_pages: of('exit').map((row) => ({ path: row.path, visits: count(row.n) })),
    bounce_rate: visits === 0 ? 0 : count(visit?.bounces) / visits,
    visit_duration_s: visits === 0 ? 0 : count(visit?.duration_ms) / visits / 1000,
  };
}
