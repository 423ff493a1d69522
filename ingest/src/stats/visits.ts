/** Visits (sessions): where they begin and end, the steps between pages, bounce and duration. */
import type { ClickHouseClient } from '@clickhouse/client';
import { LIST_LENGTH } from './lists.js';
import { count, rows } from './query.js';

export interface Visits {
  entry_pages: Array<{ path: string; visits: number }>;
  exit_pages: Array<{ path: string; visits: number }>;
  flows: Array<{ from: string; to: string; count: number }>;
  /** Visits with at most one page view and no room entry. */
  bounce_rate: number;
  /** Mean time from a visit's first event to its last, in seconds. */
  visit_duration_s: number;
}

/**
 * One pass over the range's visits: each visit's page views in time order give its entry page,
 * its exit page and its steps between pages (a History-API route change and an ordinary link
 * both end in a page view, so both count); the visit itself gives bounce and duration. Sessions
 * are grouped by their 64-bit key (migration 0008), which groups faster than the string. A visit that
 * started before the range counts from its first event inside it.
 */
export async function readVisits(client: ClickHouseClient, params: { site: string; seconds: number }): Promise<Visits> {
  const found = await rows<{ kind: string; a: string; b: string; n: string; bounces: string; duration_ms: string }>(
    client,
    `SELECT item.1 AS kind, item.2 AS a, item.3 AS b, count() AS n,
            countIf(length(paths) <= 1 AND rooms = 0) AS bounces, sum(duration_ms) AS duration_ms
     FROM (
       SELECT arrayMap(view -> view.2, arraySort(groupArrayIf((ts, path), type = 'page_view'))) AS paths,
              countIf(type = 'room_enter') AS rooms,
              toUInt64(dateDiff('millisecond', min(ts), max(ts))) AS duration_ms
       FROM events
       WHERE site = {site:String} AND session_key != 0 AND ts >= now() - {seconds:UInt32}
       GROUP BY session_key
     )
     ARRAY JOIN arrayConcat(
       [('visit', '', '')],
       if(empty(paths), [], [('entry', paths[1], ''), ('exit', paths[-1], '')]),
       arrayFilter(step -> step.2 != step.3,
                   arrayMap((from, to) -> ('flow', from, to), arrayPopBack(paths), arrayPopFront(paths)))
     ) AS item
     GROUP BY kind, a, b
     ORDER BY kind, n DESC, a, b
     LIMIT {limit:UInt32} BY kind`,
    { ...params, limit: LIST_LENGTH },
  );
  const of = (kind: string) => found.filter((row) => row.kind === kind);
  const visit = of('visit')[0];
  const visits = count(visit?.n);
  return {
    entry_pages: of('entry').map((row) => ({ path: row.a, visits: count(row.n) })),
    exit_pages: of('exit').map((row) => ({ path: row.a, visits: count(row.n) })),
    flows: of('flow').map((row) => ({ from: row.a, to: row.b, count: count(row.n) })),
    bounce_rate: visits === 0 ? 0 : count(visit?.bounces) / visits,
    visit_duration_s: visits === 0 ? 0 : count(visit?.duration_ms) / visits / 1000,
  };
}
