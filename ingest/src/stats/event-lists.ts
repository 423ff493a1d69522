/**
 * The figures of events other than page views, one entry each: the query over raw events of the
 * period whose rows it is (the summary's filters applied, as to every figure; lists of events of
 * one shape share one, LIST_QUERIES), the answer's field and the shape of one of its rows. A new
 * list is one entry here. These events are few next to page views and the
 * `events` table is sorted by site, type and time, so each reads one narrow stretch of it: no rollup.
 * Each row's change is read in the same query: its figure over the compared period, side by side
 * with the current period's (raw-period.ts's rawPeriods), for the rows listed now only.
 */
import type { Sql } from './build-sql.js';
import type { Ranked } from './dimensions.js';
import { LIST_LENGTH } from './lists.js';
import type { Query } from './parse-query.js';
import { rawPeriods } from './raw-period.js';
import { count } from './run-query.js';

/** A row of an event list's query: its key and figures by name (ClickHouse's JSON gives 64-bit integers as strings). */
export type EventListRow = Record<string, string | number | null>;

/** The conditions of a read of both periods (raw-period.ts's rawPeriods): rows of either, and of each. */
export interface Periods {
  where: string;
  current: string;
  previous: string;
}

/**
 * The queries the lists are read by, over `events` rows that pass `where` (site, either period,
 * filters): the rows of the current period (`current`), ranked and bounded by `{limit:UInt32}`,
 * each with `previous`, its ranked figure over the compared period (`previous`).
 */
export const LIST_QUERIES = {
  // Links followed, of both kinds in one scan of their narrow stretches (a query's fixed cost
  // saved: 9 to 12 ms of CPU a summary): who followed each, how often; most visitors first.
  links: ({ where, current, previous }: Periods) =>
    `SELECT toString(type) AS type, nav_to AS url, uniqIf(visitor_key, visitor_key != 0 AND ${current}) AS visitors,
            countIf(${current}) AS clicks, uniqIf(visitor_key, visitor_key != 0 AND ${previous}) AS previous
     FROM events
     WHERE ${where} AND type IN ('outbound', 'download')
     GROUP BY type, url
     HAVING clicks > 0
     ORDER BY type, visitors DESC, clicks DESC, url
     LIMIT {limit:UInt32} BY type`,
  // Per page, over the visits that were on it (a visit's `time_spent` events of one path, one for
  // each time it was left, hidden or replaced): the mean of each visit's deepest point, among the
  // visits that measured one (the tracker's lazy part sends `scroll_depth`, read from its column of
  // migration 0030, one byte a row instead of the props map; a visit gone before it
  // came has only its time), and the mean of each visit's engaged time on the page. Events without
  // a visit (Do Not Track) belong to no visit, so they are left out. Each visit's figures per page
  // over each period (a visit on the page in both counts in each).
  page_engagement: ({ where, current, previous }: Periods) =>
    `SELECT path, countIf(in_current) AS visits, avgIfOrNull(depth, in_current AND depth > 0) AS scroll_depth,
            avgIf(engaged_ms, in_current) / 1000 AS time_on_page_s, countIf(in_previous) AS previous
     FROM (
       SELECT session_key, path, countIf(${current}) > 0 AS in_current, countIf(${previous}) > 0 AS in_previous,
              maxIf(scroll_depth, ${current}) AS depth, sumIf(duration_ms, ${current}) AS engaged_ms
       FROM events
       WHERE ${where} AND type = 'time_spent' AND session_key != 0
       GROUP BY session_key, path
     )
     GROUP BY path
     HAVING visits > 0
     ORDER BY visits DESC, path
     LIMIT {limit:UInt32}`,
} as const;

export type ListQueryName = keyof typeof LIST_QUERIES;
export const LIST_QUERY_NAMES = Object.keys(LIST_QUERIES) as ListQueryName[];

export interface EventList {
  /** The answer's field. */
  field: string;
  /** The query whose rows the list is, and which of them (all when not said). */
  query: ListQueryName;
  of?: (row: EventListRow) => boolean;
  /** The figure a row is ranked by: its change is that figure's. */
  rankedBy: string;
  shape: (row: EventListRow) => Record<string, string | number | null>;
}

/** The file a download's URL names: its last path segment. */
export const fileOf = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

export const EVENT_LISTS = {
  outbound_links: {
    field: 'outbound_links',
    query: 'links',
    of: (row) => row.type === 'outbound',
    rankedBy: 'visitors',
    shape: (row) => ({ url: String(row.url), visitors: count(row.visitors), clicks: count(row.clicks) }),
  },
  downloads: {
    field: 'downloads',
    query: 'links',
    of: (row) => row.type === 'download',
    rankedBy: 'visitors',
    shape: (row) => ({ file: fileOf(String(row.url)), url: String(row.url), visitors: count(row.visitors), clicks: count(row.clicks) }),
  },
  page_engagement: {
    field: 'page_engagement',
    query: 'page_engagement',
    rankedBy: 'visits',
    shape: (row) => ({
      path: String(row.path),
      visits: count(row.visits),
      scroll_depth: row.scroll_depth === null ? null : Number(row.scroll_depth),
      time_on_page_s: Number(row.time_on_page_s),
    }),
  },
} as const satisfies Record<string, EventList>;

export type EventListName = keyof typeof EVENT_LISTS;
export const EVENT_LIST_NAMES = Object.keys(EVENT_LISTS) as EventListName[];

/** Each row carries its change against the compared period (`Ranked`: null when it had none then). */
export interface EventLists {
  /** Links to other hosts that visitors followed; changes of visitors. */
  outbound_links: Array<Ranked<{ url: string; visitors: number; clicks: number }>>;
  /** Links to files that visitors followed; changes of visitors. */
  downloads: Array<Ranked<{ file: string; url: string; visitors: number; clicks: number }>>;
  /** Mean scroll depth (%, null when no visit measured one) and engaged time of the visits on each page; changes of visits. */
  page_engagement: Array<Ranked<{ path: string; visits: number; scroll_depth: number | null; time_on_page_s: number }>>;
}

/** One of the lists' queries over both periods, every value a bound parameter. */
export function eventListSql(query: Query, name: ListQueryName): Sql {
  const { params, ...periods } = rawPeriods(query);
  return { sql: LIST_QUERIES[name](periods), params: { ...params, limit: LIST_LENGTH } };
}

/** Each list's rows (among its query's, `found`) as the answer's fields, each with its change of the figure it is ranked by. */
export function shapeEventLists(found: Record<ListQueryName, readonly EventListRow[]>): EventLists {
  return Object.fromEntries(
    EVENT_LIST_NAMES.map((name) => {
      const { field, query, of, shape, rankedBy }: EventList = EVENT_LISTS[name];
      const rows = found[query]
        .filter((row) => of?.(row) ?? true)
        .map((row) => {
          const previous = count(row.previous);
          const figure = count(row[rankedBy]);
          return { ...shape(row), change: previous === 0 ? null : (figure - previous) / previous };
        });
      return [field, rows];
    }),
  ) as unknown as EventLists;
}
