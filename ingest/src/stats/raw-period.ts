/**
 * The condition of a figure read from raw events of a period: the site, the period and the
 * summary's filters, every value a bound parameter. Goals, properties and the engagement path
 * are read so (they need what the rollups do not keep: props, links, each event's order in a visit).
 * `compared` reads the compared period instead (`previous`: the one before, or a year before), for
 * each ranked row's change.
 */
import { TimeParams, timeCondition } from './build-sql.js';
import { visitsMatching } from './filters.js';
import type { Query } from './parse-query.js';

export function rawPeriod(query: Query, { compared = false } = {}): { where: string; params: Record<string, unknown> } {
  const times = new TimeParams();
  const { from, to } = compared ? query.previous : query.current;
  const matching = visitsMatching(query.filters, times.time(from), query.site.goals);
  const period = timeCondition('ts', [{ source: 'raw', from, to }], times);
  return {
    where: `site = {site:String} AND (${period})${matching.sql}`,
    params: { site: query.site.id, ...matching.params, ...times.values },
  };
}
