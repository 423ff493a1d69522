/**
 * Filters of the read API (`page`, `source`, `country`, `device`, `browser`), as the overview
 * page sets them when a row is clicked. A filter keeps the visits that have a page view matching
 * it; several filters keep the visits that match each (a visit that landed from Google and later
 * read /about matches source=www.google.com and page=/about). Values reach ClickHouse as bound
 * parameters.
 */

export const FILTER_COLUMNS = {
  page: 'path',
  source: 'referrer_host',
  country: 'country',
  device: 'device',
  browser: 'browser',
} as const;

export type FilterName = keyof typeof FILTER_COLUMNS;
export type Filters = Partial<Record<FilterName, string>>;
export const FILTER_NAMES = Object.keys(FILTER_COLUMNS) as FilterName[];

/** The filters that are set, in a fixed order: also the key that tells two summaries apart. */
export function activeFilters(filters: Filters): Array<[FilterName, string]> {
  return FILTER_NAMES.flatMap((name) => (filters[name] === undefined ? [] : [[name, filters[name]] as [FilterName, string]]));
}

/**
 * ` AND session_key IN (...)` per filter, over the page views since `since` (an SQL expression
 * of the outer query's window), and the parameters it binds; empty when no filter is set.
 */
export function visitsMatching(filters: Filters, since: string): { sql: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const parts = activeFilters(filters).map(([name, value]) => {
    params[`filter_${name}`] = value;
    return ` AND session_key IN (SELECT session_key FROM events
       WHERE site = {site:String} AND type = 'page_view' AND session_key != 0 AND ts >= ${since}
         AND ${FILTER_COLUMNS[name]} = {filter_${name}:String})`;
  });
  return { sql: parts.join(''), params };
}
