/**
 * The figures of events other than page views, one entry each: the query over raw events of the
 * period (the summary's filters applied, as to every figure), the answer's field and the shape of
 * one of its rows. A new list is one entry here. These events are few next to page views and the
 * `events` table is sorted by site, type and time, so each reads one narrow stretch of it: no rollup.
 * Each row's change is read the same way from the compared period, for the rows listed now only.
 */
import type { Sql } from './build-sql.js';
import type { Ranked } from './dimensions.js';
import { LIST_LENGTH } from './lists.js';
import type { Query } from './parse-query.js';
import { rawPeriod } from './raw-period.js';
import { count } from './run-query.js';

/** A row of an event list's query: its key, and figures by name (ClickHouse's JSON gives 64-bit integers as strings). */
export type EventListRow = Record<string, string | number | null>;

export interface EventList {
  /** The answer's field. */
  field: string;
  /** SELECT over `events` rows that pass `where` (site, period, filters), ranked and bounded by `{limit:UInt32}`. */
  sql: (where: string) => string;
  /** The column of `events` that a row is of (its key), and that key in a row of the query. */
  key: { column: string; of: (row: EventListRow) => string };
  /** The figure a row is ranked by: its change is that figure's. */
  rankedBy: string;
  shape: (row: EventListRow) => Record<string, string | number | null>;
}

const byUrl = { column: 'nav_to', of: (row: EventListRow) => String(row.url) };

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
    key: byUrl,
    rankedBy: 'visitors',
    shape: (row) => ({ url: String(row.url), visitors: count(row.visitors), clicks: count(row.clicks) }),
  },
  downloads: {
    field: 'downloads',
    sql: followed('download'),
    key: byUrl,
    rankedBy: 'visitors',
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
    key: { column: 'path', of: (row) => String(row.path) },
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

/**
 * The query of one event list over the current period, every value a bound parameter; with
 * `compared` (the keys the current period lists), over the compared period for those rows alone,
 * whatever their rank then (there are no more of them than the list's limit).
 */
export function eventListSql(query: Query, name: EventListName, compared?: readonly string[]): Sql {
  const list: EventList = EVENT_LISTS[name];
  const { where, params } = rawPeriod(query, { compared: compared !== undefined });
  const only = compared ? ` AND ${list.key.column} IN {compared:Array(String)}` : '';
  return {
    sql: list.sql(`${where}${only}`),
    params: { ...params, limit: LIST_LENGTH, ...(compared ? { compared } : {}) },
  };
}

/** The keys of a list's rows: what the compared period is read for. */
export function keysOfList(name: EventListName, found: readonly EventListRow[]): string[] {
  const list: EventList = EVENT_LISTS[name];
  return found.map(list.key.of);
}

/** Each list's rows as the answer's fields, each with its change of the figure it is ranked by. */
export function shapeEventLists(
  found: Record<EventListName, { found: readonly EventListRow[]; compared: readonly EventListRow[] }>,
): EventLists {
  return Object.fromEntries(
    EVENT_LIST_NAMES.map((name) => {
      const { field, shape, key, rankedBy }: EventList = EVENT_LISTS[name];
      const before = new Map(found[name].compared.map((row) => [key.of(row), count(row[rankedBy])]));
      const rows = found[name].found.map((row) => {
        const previous = before.get(key.of(row)) ?? 0;
        const figure = count(row[rankedBy]);
        return { ...shape(row), change: previous === 0 ? null : (figure - previous) / previous };
      });
      return [field, rows];
    }),
  ) as unknown as EventLists;
}
