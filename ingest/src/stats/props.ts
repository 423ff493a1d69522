/**
 * Custom properties broken down: for every event type and property key its events carry, the
 * values with their visitors and events (any filter of the summary applies, `prop` included).
 * Props are kept on raw events only, so this reads the period's raw events. Bounded: the
 * MAX_PROPERTY_PAIRS (type, key) pairs with the most events, LIST_LENGTH values each. The
 * tracker's own keys (scroll depth, a hotspot's place) are figures of their own, not the site's
 * properties, and are left out. Each value's change is read from the compared period for the
 * values listed now only.
 */
import { RESERVED_PROP_KEYS } from '@footfall/contract';
import type { Sql } from './build-sql.js';
import type { Ranked } from './dimensions.js';
import { LIST_LENGTH } from './lists.js';
import type { Query } from './parse-query.js';
import { rawPeriod } from './raw-period.js';
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
}

export function propertiesSql(query: Query): Sql {
  const { where, params } = rawPeriod(query);
  return {
    sql: `SELECT type, key, value, visitors, events FROM (
            SELECT toString(type) AS type, key, props[key] AS value,
                   uniqIf(visitor_key, visitor_key != 0) AS visitors, count() AS events,
                   sum(count()) OVER (PARTITION BY type, key) AS pair_events
            FROM events ARRAY JOIN mapKeys(props) AS key
            -- Rows with a key of the site's own, found from the keys alone (the map's keys are a
            -- column of their own): most events carry none, or only the tracker's, and their
            -- values are never read.
            PREWHERE arrayExists(key -> key NOT IN {reserved:Array(String)}, mapKeys(props))
            WHERE ${where} AND key NOT IN {reserved:Array(String)}
            GROUP BY type, key, value
          )
          ORDER BY pair_events DESC, type, key, visitors DESC, events DESC, value
          LIMIT {limit:UInt32} BY type, key
          LIMIT {rows:UInt32}`,
    params: { ...params, reserved: RESERVED_PROP_KEYS, limit: LIST_LENGTH, rows: LIST_LENGTH * MAX_PROPERTY_PAIRS },
  };
}

/** A row's `[type, key, value]`: what the compared period is read for. */
export const keyOfProperty = (row: PropertyRow): [string, string, string] => [row.type, row.key, row.value];

/**
 * The compared period's figures of the `(type, key, value)` rows the current period lists,
 * whatever their rank then (the tracker's keys are never among them).
 */
export function comparedPropertiesSql(query: Query, compared: ReadonlyArray<readonly [string, string, string]>): Sql {
  const { where, params } = rawPeriod(query, { compared: true });
  return {
    sql: `SELECT toString(type) AS type, key, props[key] AS value,
                 uniqIf(visitor_key, visitor_key != 0) AS visitors, count() AS events
          FROM events ARRAY JOIN mapKeys(props) AS key
          PREWHERE arrayExists(key -> key NOT IN {reserved:Array(String)}, mapKeys(props))
          WHERE ${where}
            AND (toString(type), key, props[key]) IN (SELECT row[1], row[2], row[3] FROM (SELECT arrayJoin({compared:Array(Array(String))}) AS row))
          GROUP BY type, key, value`,
    params: { ...params, reserved: RESERVED_PROP_KEYS, compared: compared.map((row) => [...row]) },
  };
}

/** The rows grouped by (type, key), in the query's order; each value's change against `compared` (comparedPropertiesSql's rows). */
export function shapeProperties(found: readonly PropertyRow[], compared: readonly PropertyRow[] = []): PropertyBreakdown[] {
  const before = new Map(compared.map((row) => [JSON.stringify(keyOfProperty(row)), count(row.visitors)]));
  const pairs = new Map<string, PropertyBreakdown>();
  for (const row of found) {
    const id = `${row.type}\u0000${row.key}`;
    let pair = pairs.get(id);
    if (!pair) pairs.set(id, (pair = { type: row.type, key: row.key, values: [] }));
    const visitors = count(row.visitors);
    const previous = before.get(JSON.stringify(keyOfProperty(row))) ?? 0;
    pair.values.push({
      value: row.value,
      visitors,
      events: count(row.events),
      change: previous === 0 ? null : (visitors - previous) / previous,
    });
  }
  return [...pairs.values()];
}
