/** Visits (sessions): where they begin and end, how many bounce, how long they last. */
import type { ClickHouseClient } from '@clickhouse/client';
import { visitsMatching, type Filters } from './filters.js';
import { LIST_LENGTH } from './lists.js';
import { count, rows } from './query.js';

export interface Visits {
  entry_pages: Array<{ path: string; visits: number }>;
  exit_pages: Array<{ path: string; visits: number }>;
  /** Visits with at most one page view and no room entry. */
  bounce_rate: number;
  /** Mean time from a visit's first event to its last, in seconds. */
  visit_duration_s: number;
}

/**
 * One pass over the range's visits, grouped by session key (migration 0008): each visit's first
 * and last page view are its entry and exit pages; the visit itself gives bounce and duration.
 * A visit that started before the range counts from its first event inside it.
 */
export async function readVisits(
  client: ClickHouseClient,
  params: { site: string; seconds: number },
  filters: Filters = {},
): Promise<Visits> {
  const matching = visitsMatching(filters, 'now() - {seconds:UInt32}');
  const found = await rows<{ kind: string; path: string; n: string; bounces: string; duration_ms: string }>(
    client,
    `SELECT item.1 AS kind, item.2 AS path, count() AS n,
            countIf(views <= 1 AND rooms = 0) AS bounces, sum(duration_ms) AS duration_ms
     FROM (
       SELECT argMinIf(path, ts, type = 'page_view') AS entry,
              argMaxIf(path, ts, type = 'page_view') AS exit,
              countIf(type = 'page_view') AS views,
              countIf(type = 'room_enter') AS rooms,
              toUInt64(dateDiff('millisecond', min(ts), max(ts))) AS duration_ms
       FROM events
       WHERE site = {site:String} AND session_key != 0 AND ts >= now() - {seconds:UInt32}${matching.sql}
       GROUP BY session_key
     )
     ARRAY JOIN if(views = 0, [('visit', '')], [('visit', ''), ('entry', entry), ('exit', exit)]) AS item
     GROUP BY kind, path
     ORDER BY kind, n DESC, path
     LIMIT {limit:UInt32} BY kind`,
    { ...params, ...matching.params, limit: LIST_LENGTH },
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
