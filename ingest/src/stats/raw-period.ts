/**
 * The condition of a figure read from raw events of the current period: the site, the period and
 * the summary's filters, every value a bound parameter. Goals, properties and the engagement path
 * are read so (they need what the rollups do not keep: props, links, each event's order in a visit).
 */
import { TimeParams, timeCondition } from './build-sql.js';
import { visitsMatching } from './filters.js';
import type { Query } from './parse-query.js';

export function rawPeriod(query: Query): { where: string; params: Record<string, unknown> } {
  const times = new TimeParams();
  const matching = visitsMatching(query.filters, times.time(query.current.from), query.site.goals);
  const period = timeCondition('ts', [{ source: 'raw', from: query.current.from, to: query.current.to }], times);
  return {
    where: `site = {site:String} AND (${period})${matching.sql}`,
    params: { site: query.site.id, ...matching.params, ...times.values },
  };
}
