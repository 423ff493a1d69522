/** Funnels: how many visits did the given steps in this order, within the range. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Catalog, SiteEntry } from '../catalog/catalog.js';
import type { CatalogGoal } from '@footfall/contract';
import { BadFunnelStepError, UnknownGoalError } from '../errors.js';
import { activeFilters, type Filters, visitsMatching } from './filters.js';
import { goalCondition, goalType } from './goal-condition.js';
import { count, rows } from './run-query.js';
import { type Compare, type Period, parseQuery } from './parse-query.js';
import { readStoredSpan } from './stored-span.js';
import { readOptionsOf, type StatsPeriod } from './summary-period.js';
import { localDate } from './time-zone.js';

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
  /** As written in the request: `TYPE`, `TYPE:TARGET` or `goal:NAME`. */
  step: string;
  type: string;
  target: string | undefined;
  /** The site's goal a `goal:NAME` step reaches. */
  goal?: CatalogGoal;
}

/** A step's count: the visits that reached at least this step. */
export interface FunnelCount {
  step: string;
  sessions: number;
}

export interface Funnel {
  site: string;
  range: StatsPeriod['range'];
  /** The period read, epoch seconds `[from, to)`; `to` is null for a rolling range, which ends now. */
  period: { from: number; to: number | null };
  /** The site's IANA time zone, in which the period's days begin. */
  time_zone: string;
  /** The filters applied, as /api/stats applies them: only the visits that match each are counted. */
  filters: Filters;
  /** What `previous` is: the period of the same length just before, or the same period a year before. */
  compare: Compare;
  /** Each step with its change against the same step in `previous`, as a fraction (0.25 = 25 % more); null when that step had none then. */
  steps: Array<FunnelCount & { change: number | null }>;
  /** The same steps over the compared period, epoch seconds `[from, to)`. */
  previous: { period: { from: number; to: number }; steps: FunnelCount[] };
}

/** Reads `TYPE[:TARGET]` (the type must be one of the catalog's) or `goal:NAME` (one of the site's goals). */
export function parseStep(step: string, catalog: Catalog, site?: SiteEntry): FunnelStep {
  const colon = step.indexOf(':');
  const type = colon === -1 ? step : step.slice(0, colon);
  const target = colon === -1 ? undefined : step.slice(colon + 1);
  if (type === 'goal' && site !== undefined) {
    const goal = site.goals.find((candidate) => candidate.name === target);
    if (!goal) {
      const names = site.goals.map((candidate) => candidate.name);
      throw new UnknownGoalError(
        site.id,
        JSON.stringify(target ?? ''),
        names.length ? `it has ${names.join(', ')}` : 'its catalog entry declares none',
      );
    }
    return { step, type: goalType(goal), target, goal };
  }
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
 * steps it got; the window is the whole period. Step N counts the visits that reached at least N.
 * The period is the summary's (a rolling range, a calendar period or dates of the site's zone,
 * or all time), read from raw events, which are what the funnel needs; the compared period is the
 * one the summary's figures are compared with, read the same way. Filters narrow both to the
 * visits that match them, as they narrow the summary.
 */
export async function readFunnel(
  client: ClickHouseClient,
  site: SiteEntry,
  period: StatsPeriod,
  steps: readonly FunnelStep[],
  filters: Filters = {},
): Promise<Funnel> {
  const now = Math.floor(Date.now() / 1000);
  const read = readOptionsOf(period);
  if (!read) throw new Error(`no funnel for range ${period.range}`);
  let span = read.options.period;
  if (span === 'all') {
    const stored = await readStoredSpan(client, site.id);
    const today = localDate(now, site.timeZone);
    span = { from: stored.oldest === null ? today : localDate(stored.oldest, site.timeZone), to: today, name: 'all' };
  }
  const query = parseQuery(site, read.range, {}, { now, period: span, compare: read.options.compare });
  const [current, previous] = await Promise.all([
    reachedIn(client, site, query.current, steps, filters, now),
    reachedIn(client, site, query.previous, steps, filters, now),
  ]);
  return {
    site: site.id,
    range: period.range,
    period: { from: query.current.from, to: query.current.to ?? null },
    time_zone: site.timeZone,
    filters: Object.fromEntries(activeFilters(filters)),
    compare: query.compare,
    steps: steps.map((step, index) => {
      const before = previous[index]!;
      return { step: step.step, sessions: current[index]!, change: before === 0 ? null : (current[index]! - before) / before };
    }),
    previous: { period: query.previous, steps: steps.map((step, index) => ({ step: step.step, sessions: previous[index]! })) },
  };
}

/** For each step, the visits that reached at least it within `[from, to)` (`to` undefined: up to now and later). */
async function reachedIn(
  client: ClickHouseClient,
  site: SiteEntry,
  period: Period,
  steps: readonly FunnelStep[],
  filters: Filters,
  now: number,
): Promise<number[]> {
  const matching = visitsMatching(filters, 'toDateTime64({from:UInt32}, 3)', site.goals);
  const params: Record<string, unknown> = {
    ...matching.params,
    site: site.id,
    from: period.from,
    types: [...new Set(steps.map((s) => s.type))],
  };
  const conditions = steps.map((step, index) => {
    if (step.goal) return goalCondition(step.goal, `step${index}`, params);
    params[`type${index}`] = step.type;
    if (step.target === undefined) return `type = {type${index}:String}`;
    params[`target${index}`] = step.target;
    return `(type = {type${index}:String} AND ${TARGET_COLUMN[step.type] ?? 'path'} = {target${index}:String})`;
  });
  // The window is a parameter of the aggregate function, which takes a literal: a whole number of milliseconds computed here.
  const windowMs = Math.max(1, (period.to ?? now) - period.from) * 1000;
  const until = period.to === undefined ? '' : ' AND ts < toDateTime64({to:UInt32}, 3)';
  if (period.to !== undefined) params.to = period.to;
  const found = await rows<{ level: string; sessions: string }>(
    client,
    `SELECT level, count() AS sessions FROM (
       SELECT windowFunnel(${windowMs})(toUInt64(toUnixTimestamp64Milli(ts)), ${conditions.join(', ')}) AS level
       FROM events
       WHERE site = {site:String} AND session_key != 0 AND type IN {types:Array(String)} AND ts >= toDateTime64({from:UInt32}, 3)${until}${matching.sql}
       GROUP BY session_key
     )
     WHERE level > 0 GROUP BY level`,
    params,
  );
  return steps.map((_, index) => found.filter((row) => count(row.level) >= index + 1).reduce((sum, row) => sum + count(row.sessions), 0));
}
