/**
 * Custom properties broken down: for every event type and property key its events carry, the
 * values with their visitors and events (any filter of the summary applies, `prop` included).
 * Over a long period, whole days are read from the daily rollup's `prop` rows (migration 0072)
 * and the rest from raw events, as the planner says (plan-query.ts). Bounded: the
 * MAX_PROPERTY_PAIRS (type, key) pairs with the most events, LIST_LENGTH values each. The
 * tracker's own keys (scroll depth, a hotspot's place) are figures of their own, not the site's
 * properties, and are left out. Each value's change is read in the same query, its visitors over
 * the compared period side by side with the current period's.
 */
import { RESERVED_PROP_KEYS } from '@footfall/contract';
import { periodParts, type Sql, TimeParams, timeCondition } from './build-sql.js';
import type { Ranked } from './dimensions.js';
import { LIST_LENGTH } from './lists.js';
import type { Query } from './parse-query.js';
import { type Plan, readsRollups } from './plan-query.js';
import { rawPeriods } from './raw-period.js';
import { count } from './run-query.js';

export const MAX_PROPERTY_PAIRS = 20;

export interface PropertyBreakdown {
  type: string;
  key: string;
  /** Most visitors first, each with its change of visitors against the compared period (null when it had none then). */
  values: Array<Ranked<{ value: string; visitors: number; events: number }>>;
}

export interface PropertyRow {
  type: string;
  key: string;
  value: string;
  visitors: string;
  events: string;
  /** The value's visitors over the compared period. */
  previous: string;
}

export function propertiesSql(plan: Plan): Sql {
  const { sql, params } = readsRollups(plan.properties, plan.previousProperties) ? propertiesOverSources(plan) : rawProperties(plan.query);
  return {
    sql: `SELECT type, key, value, visitors, events, previous FROM (${sql})
          -- Values seen in the compared period alone are not listed.
          WHERE events > 0
          ORDER BY pair_events DESC, type, key, visitors DESC, events DESC, value
          LIMIT {limit:UInt32} BY type, key
          LIMIT {rows:UInt32}`,
    params: { ...params, reserved: RESERVED_PROP_KEYS, limit: LIST_LENGTH, rows: LIST_LENGTH * MAX_PROPERTY_PAIRS },
  };
}

/** Raw events by each property of the site's own (`key`) they carry. */
const SITE_PROPS = `FROM events ARRAY JOIN mapKeys(props) AS key
            -- Rows with a key of the site's own, found from the keys alone (the map's keys are a
            -- column of their own): most events carry none, or only the tracker's, and their
            -- values are never read.
            PREWHERE arrayExists(key -> key NOT IN {reserved:Array(String)}, mapKeys(props))`;

/**
 * Both periods from raw events in one scan, each value's figures final: merging states, as
 * propertiesOverSources does, costs more (goals' did 4 to 8 ms of CPU at 30d: goals.ts).
 */
function rawProperties(query: Query): Sql {
  const { where, current, previous, params } = rawPeriods(query);
  return {
    sql: `SELECT toString(type) AS type, key, props[key] AS value,
                 uniqIf(visitor_key, visitor_key != 0 AND ${current}) AS visitors, countIf(${current}) AS events,
                 uniqIf(visitor_key, visitor_key != 0 AND ${previous}) AS previous,
                 sum(countIf(${current})) OVER (PARTITION BY type, key) AS pair_events
          ${SITE_PROPS}
          WHERE ${where} AND key NOT IN {reserved:Array(String)}
          GROUP BY type, key, value`,
    params,
  };
}

/** Each source of the plan's stretches yields each value's visitors as states and its events, merged over the sources. */
function propertiesOverSources(plan: Plan): Sql {
  const { query } = plan;
  const times = new TimeParams();
  const params: Record<string, unknown> = { site: query.site.id };
  const parts = periodParts(query, plan.properties, plan.previousProperties, times, params).map(
    ({ source, table, time, stretches, current, matching }) => {
      if (source === 'raw') {
        const period = current('ts');
        return `SELECT toString(type) AS prop_type, key AS prop_key, props[key] AS prop_value,
                       uniqStateIf(visitor_key, visitor_key != 0 AND ${period}) AS part_visitors, countIf(${period}) AS part_events,
                       uniqStateIf(visitor_key, visitor_key != 0 AND NOT (${period})) AS part_previous
                ${SITE_PROPS}
                WHERE site = {site:String} AND (${timeCondition('ts', stretches, times)})${matching} AND key NOT IN {reserved:Array(String)}
                GROUP BY prop_type, prop_key, prop_value`;
      }
      const period = current(time);
      return `SELECT value AS prop_type, value2 AS prop_key, value3 AS prop_value,
                     uniqMergeStateIf(visitors, ${period}) AS part_visitors, sumIf(events, ${period}) AS part_events,
                     uniqMergeStateIf(visitors, NOT (${period})) AS part_previous
              FROM ${table}
              WHERE site = {site:String} AND dimension = 'prop' AND (${timeCondition(time, stretches, times)})
              GROUP BY prop_type, prop_key, prop_value`;
    },
  );
  return {
    sql: `SELECT prop_type AS type, prop_key AS key, prop_value AS value,
                 uniqMerge(part_visitors) AS visitors, sum(part_events) AS events, uniqMerge(part_previous) AS previous,
                 sum(sum(part_events)) OVER (PARTITION BY type, key) AS pair_events
          FROM (${parts.join('\n UNION ALL \n')})
          GROUP BY type, key, value`,
    params: { ...params, ...times.values },
  };
}

/** The rows grouped by (type, key), in the query's order; each value's change of visitors against the compared period. */
export function shapeProperties(found: readonly PropertyRow[]): PropertyBreakdown[] {
  const pairs = new Map<string, PropertyBreakdown>();
  for (const row of found) {
    const id = `${row.type}\u0000${row.key}`;
    let pair = pairs.get(id);
    if (!pair) pairs.set(id, (pair = { type: row.type, key: row.key, values: [] }));
    const visitors = count(row.visitors);
    const previous = count(row.previous);
    pair.values.push({
      value: row.value,
      visitors,
      events: count(row.events),
      change: previous === 0 ? null : (visitors - previous) / previous,
    });
  }
  return [...pairs.values()];
}
