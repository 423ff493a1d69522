/**
 * The condition of a figure read from raw events of a period: the site, the period and the
 * summary's filters, every value a bound parameter. Goals, properties and the engagement path
 * are read so (they need what the rollups do not keep: props, links, each event's order in a visit).
 */
import { TimeParams, timeCondition } from './build-sql.js';
import { visitsMatching } from './filters.js';
import type { Query } from './parse-query.js';

export function rawPeriod(query: Query): { where: string; params: Record<string, unknown> } {
  const times = new TimeParams();
  const { from, to } = query.current;
  const matching = visitsMatching(query.filters, times.time(from), query.site.goals);
  const period = timeCondition('ts', [{ source: 'raw', from, to }], times);
  return {
    where: `site = {site:String} AND (${period})${matching.sql}`,
    params: { site: query.site.id, ...matching.params, ...times.values },
  };
}

/**
 * Both periods of a summary in one read of raw events: `current` and `previous` are the
 * conditions of a row of each (site aside), for `-If` aggregates side by side, and `where` takes
 * the rows of either. One query instead of one per period: a query's fixed cost (parsing, analysis
 * and planning, 5 to 10 ms of CPU each on the embedded engine) was most of what a figure of a
 * short range cost. A row of periods that overlap (a long custom span against the year before)
 * counts in each, as when they were read apart.
 */
export function rawPeriods(query: Query): { where: string; current: string; previous: string; params: Record<string, unknown> } {
  const times = new TimeParams();
  const params: Record<string, unknown> = {};
  const conditionOf = ({ from, to }: { from: number; to: number | undefined }) => {
    const matching = visitsMatching(query.filters, times.time(from), query.site.goals);
    Object.assign(params, matching.params);
    return `((${timeCondition('ts', [{ source: 'raw', from, to }], times)})${matching.sql})`;
  };
  const current = conditionOf(query.current);
  const previous = conditionOf(query.previous);
  return {
    where: `site = {site:String} AND (${current} OR ${previous})`,
    current,
    previous,
    params: { site: query.site.id, ...params, ...times.values },
  };
}
