/**
 * Filters of the read API (`page`, `source`, `country`, `device`, `browser`, `prop`, `goal`), as
 * the overview page sets them when a row is clicked. A filter keeps the visits that have an event
 * matching it: a page view with that page, source, country, device or browser; any event whose
 * property `key` is `value` (`prop=key=value`); an event that reaches the goal (`goal=name`,
 * goal-condition.ts). Several filters keep the visits that match each (a visit that
 * landed from Google and later read /about matches source=www.google.com and page=/about).
 * Values reach ClickHouse as bound parameters.
 */
import type { CatalogGoal } from '@footfall/contract';
import { goalCondition } from './goal-condition.js';

export const FILTER_COLUMNS = {
  page: 'path',
  source: 'referrer_host',
  country: 'country',
  device: 'device',
  browser: 'browser',
} as const;

/** Filters on something other than a page view's column. */
export const EVENT_FILTERS = ['prop', 'goal'] as const;

export type FilterName = keyof typeof FILTER_COLUMNS | (typeof EVENT_FILTERS)[number];
export type Filters = Partial<Record<FilterName, string>>;
export const FILTER_NAMES = [...Object.keys(FILTER_COLUMNS), ...EVENT_FILTERS] as FilterName[];

/** The filters that are set, in a fixed order: also the key that tells two summaries apart. */
export function activeFilters(filters: Filters): Array<[FilterName, string]> {
  return FILTER_NAMES.flatMap((name) => (filters[name] === undefined ? [] : [[name, filters[name]] as [FilterName, string]]));
}

/** `key=value` of a `prop` filter; undefined when it has no `=` or no key. */
export function propFilterOf(value: string): { key: string; value: string } | undefined {
  const equals = value.indexOf('=');
  return equals <= 0 ? undefined : { key: value.slice(0, equals), value: value.slice(equals + 1) };
}

/**
 * ` AND session_key IN (...)` per filter, over the events since `since` (an SQL expression of the
 * outer query's window), and the parameters it binds; empty when no filter is set. `goals` are
 * the site's, which a `goal` filter names (checked by the route: an unknown one matches nothing).
 */
export function visitsMatching(
  filters: Filters,
  since: string,
  goals: readonly CatalogGoal[] = [],
): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  const parts = activeFilters(filters).map(([name, value]) => {
    let condition: string;
    if (name === 'goal') {
      const goal = goals.find((candidate) => candidate.name === value);
      condition = goal ? goalCondition(goal, 'filter_goal', params) : '0';
    } else if (name === 'prop') {
      const prop = propFilterOf(value) ?? { key: value, value: '' };
      params.filter_prop_key = prop.key;
      params.filter_prop_value = prop.value;
      condition = 'props[{filter_prop_key:String}] = {filter_prop_value:String} AND mapContains(props, {filter_prop_key:String})';
    } else {
      params[`filter_${name}`] = value;
      condition = `type = 'page_view' AND ${FILTER_COLUMNS[name]} = {filter_${name}:String}`;
    }
    return ` AND session_key IN (SELECT session_key FROM events
       WHERE site = {site:String} AND session_key != 0 AND ts >= ${since} AND ${condition})`;
  });
  return { sql: parts.join(''), params };
}
