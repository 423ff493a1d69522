/** Funnels: how many visits did the given steps in this order, within the range. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Catalog } from '../catalog/catalog.js';
import { BadFunnelStepError } from '../errors.js';
import { count, rows } from './query.js';
import { RANGES, type Range } from './range.js';

export const MIN_STEPS = 2;
export const MAX_STEPS = 8;

/** The column a step's target is compared with, by event type; other types compare the path. */
const TARGET_COLUMN: Record<string, string> = {
  page_view: 'path',
  time_spent: 'path',
  room_enter: 'room_id',
  room_exit: 'room_id',
  object_view: 'object_id',
  object_click: 'object_id',
  navigation: 'nav_to',
};

export interface FunnelStep {
  /** As written in the request: `TYPE` or `TYPE:TARGET`. */
  step: string;
  type: string;
  target: string | undefined;
}

export interface Funnel {
  site: string;
  range: Range;
  steps: Array<{ step: string; sessions: number }>;
}

/** Reads `TYPE[:TARGET]`; the type must be one of the catalog's. */
export function parseStep(step: string, catalog: Catalog): FunnelStep {
  const colon = step.indexOf(':');
  const type = colon === -1 ? step : step.slice(0, colon);
  const target = colon === -1 ? undefined : step.slice(colon + 1);
  if (!catalog.eventTypes.has(type)) {
    throw new BadFunnelStepError(
      JSON.stringify(step),
      `the type must be one of ${[...catalog.eventTypes].join(', ')}, optionally followed by :TARGET`,
    );
  }
  if (target === '')
    throw new BadFunnelStepError(JSON.stringify(step), 'the target after ":" is empty; leave out the colon to match any target');
  return { step, type, target };
}

/**
 * ClickHouse's windowFunnel walks each visit's events in time order and finds how far along the
 * steps it got; the window is the whole range. Step N counts the visits that reached at least N.
 */
export async function readFunnel(client: ClickHouseClient, siteId: string, range: Range, steps: readonly FunnelStep[]): Promise<Funnel> {
  const params: Record<string, unknown> = { site: siteId, seconds: RANGES[range], types: [...new Set(steps.map((s) => s.type))] };
  const conditions = steps.map((step, index) => {
    params[`type${index}`] = step.type;
    if (step.target === undefined) return `type = {type${index}:String}`;
    params[`target${index}`] = step.target;
    return `(type = {type${index}:String} AND ${TARGET_COLUMN[step.type] ?? 'path'} = {target${index}:String})`;
  });
  // The window is a parameter of the aggregate function, which takes a literal: it is a number from RANGES.
  const windowMs = RANGES[range] * 1000;
  const found = await rows<{ level: string; sessions: string }>(
    client,
    `SELECT level, count() AS sessions FROM (
       SELECT windowFunnel(${windowMs})(toUInt64(toUnixTimestamp64Milli(ts)), ${conditions.join(', ')}) AS level
       FROM events
       WHERE site = {site:String} AND session_key != 0 AND type IN {types:Array(String)} AND ts >= now() - {seconds:UInt32}
       GROUP BY session_key
     )
     WHERE level > 0 GROUP BY level`,
    params,
  );
  const reached = (step: number) => found.filter((row) => count(row.level) >= step).reduce((sum, row) => sum + count(row.sessions), 0);
  return { site: siteId, range, steps: steps.map((step, index) => ({ step: step.step, sessions: reached(index + 1) })) };
}
