/**
 * Custom properties broken down: for every event type and property key its events carry, the
 * values with their visitors and events (any filter of the summary applies, `prop` included).
 * Props are kept on raw events only, so this reads the period's raw events. Bounded: the
 * MAX_PROPERTY_PAIRS (type, key) pairs with the most events, LIST_LENGTH values each. The
 * tracker's own keys (scroll depth, a hotspot's place) are figures of their own, not the site's
 * properties, and are left out. Each value's change is read in the same query, its visitors over
 * the compared period side by side with the current period's (raw-period.ts's rawPeriods).
 */
import { RESERVED_PROP_KEYS } from '@footfall/contract';
import type { Sql } from './build-sql.js';
import type { Ranked } from './dimensions.js';
import { LIST_LENGTH } from './lists.js';
import type { Query } from './parse-query.js';
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

export function propertiesSql(query: Query): Sql {
  const { where, current, previous, params } = rawPeriods(query);
  return {
    sql: `SELECT type, key, value, visitors, events, previous FROM (
            SELECT toString(type) AS type, key, props[key] AS value,
                   uniqIf(visitor_key, visitor_key != 0 AND ${current}) AS visitors, countIf(${current}) AS events,
                   uniqIf(visitor_key, visitor_key != 0 AND ${previous}) AS previous,
                   sum(countIf(${current})) OVER (PARTITION BY type, key) AS pair_events
            FROM events ARRAY JOIN mapKeys(props) AS key
            -- Rows with a key of the site's own, found from the keys alone (the map's keys are a
            -- column of their own): most events carry none, or only the tracker's, and their
            -- values are never read.
            PREWHERE arrayExists(key -> key NOT IN {reserved:Array(String)}, mapKeys(props))
            WHERE ${where} AND key NOT IN {reserved:Array(String)}
            GROUP BY type, key, value
          )
          -- Values seen in the compared period alone are not listed.
          WHERE events > 0
          ORDER BY pair_events DESC, type, key, visitors DESC, events DESC, value
          LIMIT {limit:UInt32} BY type, key
          LIMIT {rows:UInt32}`,
    params: { ...params, reserved: RESERVED_PROP_KEYS, limit: LIST_LENGTH, rows: LIST_LENGTH * MAX_PROPERTY_PAIRS },
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
