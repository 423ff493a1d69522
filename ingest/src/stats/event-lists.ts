/**
 * The figures of events other than page views, one entry each: the query over raw events of the
 * period (the summary's filters applied, as to every figure), the answer's field and the shape of
 * one of its rows. A new list is one entry here. These events are few next to page views and the
 * `events` table is sorted by site, type and time, so each reads one narrow stretch of it: no rollup.
 */
import { type Sql, TimeParams, timeCondition } from './build-sql.js';
import { visitsMatching } from './filters.js';
import { LIST_LENGTH } from './lists.js';
import type { Plan } from './plan-query.js';
import { count } from './run-query.js';

/** A row of an event list's query: its key, and figures by name (ClickHouse's JSON gives 64-bit integers as strings). */
export type EventListRow = Record<string, string | number | null>;

export interface EventList {
  /** The answer's field. */
  field: string;
  /** SELECT over `events` rows that pass `where` (site, period, filters), ranked and bounded by `{limit:UInt32}`. */
  sql: (where: string) => string;
  shape: (row: EventListRow) => Record<string, string | number | null>;
}

/** A followed link's figures: who followed it, how often; most visitors first. */
const followed = (type: string) => (where: string) =>
  `SELECT nav_to AS url, uniqIf(visitor_key, visitor_key != 0) AS visitors, count() AS clicks
   FROM events
   WHERE ${where} AND type = '${type}'
   GROUP BY url
   ORDER BY visitors DESC, clicks DESC, url
   LIMIT {limit:UInt32}`;

/** The file a download's URL names: its last path segment. */
export const fileOf = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

export const EVENT_LISTS = {
  outbound_links: {
    field: 'outbound_links',
    sql: followed('outbound'),
    shape: (row) => ({ url: String(row.url), visitors: count(row.visitors), clicks: count(row.clicks) }),
  },
  downloads: {
    field: 'downloads',
    sql: followed('download'),
    shape: (row) => ({ file: fileOf(String(row.url)), url: String(row.url), visitors: count(row.visitors), clicks: count(row.clicks) }),
  },
  // Per page, over the visits that were on it (a visit's `time_spent` events of one path, one for
  // each time it was left, hidden or replaced): the mean of each visit's deepest point, among the
  // visits that measured one (the tracker's lazy part sends `scroll_depth`, read from its column of
  // migration 0030, one byte a row instead of the props map; a visit gone before it
  // came has only its time), and the mean of each visit's engaged time on the page. Events without
  // a visit (Do Not Track) belong to no visit, so they are left out.
  page_engagement: {
    field: 'page_engagement',
    sql: (where) =>
      `SELECT path, count() AS visits, avgIfOrNull(depth, depth > 0) AS scroll_depth, avg(engaged_ms) / 1000 AS time_on_page_s
       FROM (
         SELECT session_key, path, max(scroll_depth) AS depth, sum(duration_ms) AS engaged_ms
         FROM events
         WHERE ${where} AND type = 'time_spent' AND session_key != 0
         GROUP BY session_key, path
       )
       GROUP BY path
       ORDER BY visits DESC, path
       LIMIT {limit:UInt32}`,
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

export interface EventLists {
  /** Links to other hosts that visitors followed. */
  outbound_links: Array<{ url: string; visitors: number; clicks: number }>;
  /** Links to files that visitors followed. */
  downloads: Array<{ file: string; url: string; visitors: number; clicks: number }>;
  /** Mean scroll depth (%, null when no visit measured one) and engaged time of the visits on each page. */
  page_engagement: Array<{ path: string; visits: number; scroll_depth: number | null; time_on_page_s: number }>;
}

/** The query of one event list over the current period, every value a bound parameter. */
export function eventListSql(plan: Plan, name: EventListName): Sql {
  const { query } = plan;
  const times = new TimeParams();
  const matching = visitsMatching(query.filters, times.time(query.current.from), query.site.goals);
  const period = timeCondition('ts', [{ source: 'raw', from: query.current.from, to: query.current.to }], times);
  return {
    sql: EVENT_LISTS[name].sql(`site = {site:String} AND (${period})${matching.sql}`),
    params: { site: query.site.id, ...matching.params, ...times.values, limit: LIST_LENGTH },
  };
}

/** Each list's rows as the answer's fields. */
export function shapeEventLists(found: Record<EventListName, readonly EventListRow[]>): EventLists {
  return Object.fromEntries(
    EVENT_LIST_NAMES.map((name) => {
      const { field, shape }: EventList = EVENT_LISTS[name];
      return [field, found[name].map(shape)];
    }),
  ) as unknown as EventLists;
}
