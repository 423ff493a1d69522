/**
 * The planner: which table answers which stretch of a query's periods. A period is cut where the
 * rollups' buckets begin: whole days from the daily rollup, whole hours from the hourly one, and
 * only the ragged edges (less than an hour at each end) from raw events. Rollup rows hold the same
 * states a query builds from raw rows (sums, uniq states of the same 64-bit keys, argMin/argMax
 * states), so the stretches merge into figures equal to those of a scan of raw events over the
 * whole period: counts, sums, entry and exit pages, bounces and durations are exact; visitors and
 * visits are `uniq` either way (exact for small sets, within about 1 % beyond tens of thousands).
 *
 * Each part of a summary is offered only the grains it can use: the time series those whose
 * buckets tile its steps in the site's time zone (rollups are kept in UTC: hours serve a zone
 * whose offset is whole hours, days only a zone at UTC's offset; a zone of :30 or :45 is read
 * raw), the visits only the hourly per-visit rollup, and filtered summaries none (the rollups
 * know no visits' pages), so they read raw events. The breakdowns and counts over a period need
 * no local time: any zone's periods are read from the rollups, cut at UTC's hours and days (the
 * breakdowns' days only where they are worth a source of their own: grainsWorthABranch).
 */
import { activeFilters } from './filters.js';
import { onRollups } from './goal-condition.js';
import type { Query } from './parse-query.js';
import type { Step } from './steps.js';
import { alignment } from './time-zone.js';

/** A rollup's bucket length, in seconds. */
export const GRAIN_SECONDS = { hour: 3600, day: 86_400 } as const;
export type Grain = keyof typeof GRAIN_SECONDS;

/** Where a stretch of time is read from. */
export type Source = 'raw' | Grain;

/** `[from, to)` in epoch seconds; `to` undefined means no end (events stamped later than now count too, as they always have). */
export interface Stretch {
  source: Source;
  from: number;
  to: number | undefined;
}

/** Every part of a summary and the stretches it reads. */
export interface Plan {
  query: Query;
  /** The headline figures and the time series of the current period. */
  overTime: Stretch[];
  /** The same of the compared period (it may overlap the current one: a long span against the year before). */
  previousOverTime: Stretch[];
  /** Page views by page, source, country and the rest. */
  breakdowns: Stretch[];
  /** The same over the compared period, for each ranked row's change. */
  previousBreakdowns: Stretch[];
  /** One row per visit: entry and exit pages, bounces, durations. */
  visits: Stretch[];
  /** The same over the compared period, for its bounce rate and visit duration. */
  previousVisits: Stretch[];
  /** Counts by type and object. */
  counts: Stretch[];
  /** Properties: the daily rollup's `prop` rows (migration 0072), or raw events. */
  properties: Stretch[];
  previousProperties: Stretch[];
  /** Goals: as `properties` when the rollups' rows answer every goal of the site (goal-condition.ts), else raw events. */
  goals: Stretch[];
  previousGoals: Stretch[];
}

export function planQuery(query: Query): Plan {
  const offered = (grains: readonly Grain[]) => (query.rollups && activeFilters(query.filters).length === 0 ? [...grains] : []);
  const current = (grains: readonly Grain[]) => stretchesOf(query.current.from, query.current.to, offered(grains), query.now);
  const previous = (grains: readonly Grain[]) => stretchesOf(query.previous.from, query.previous.to, offered(grains));
  const timeGrains = grainsForSteps(query.step, alignment(query.previous.from, query.now, query.timeZone));
  const breakdownGrains = grainsWorthABranch(query, current, previous);
  const keyGrains = keyGrainsOf(breakdownGrains);
  const goalGrains = query.site.goals.every(onRollups) ? keyGrains : [];
  return {
    query,
    overTime: current(timeGrains),
    previousOverTime: previous(timeGrains),
    breakdowns: current(breakdownGrains),
    previousBreakdowns: previous(breakdownGrains),
    visits: current(['hour']),
    previousVisits: previous(['hour']),
    counts: current(['hour', 'day']),
    properties: current(keyGrains),
    previousProperties: previous(keyGrains),
    goals: current(goalGrains),
    previousGoals: previous(goalGrains),
  };
}

/**
 * Hours the breakdowns read from the hourly rollup, over both periods, rather than add the daily
 * rollup as a source of their own. Each source is a branch of the statement's UNION, and the
 * engine's analysis and planning of a branch (before any row is read) cost about what merging
 * the states of 1,500 more hours does on the read benchmark's store: there the breakdowns of 24h,
 * 7d and 30d (1,440 hours) cost 67, 78 and 80 ms of CPU by hours alone against 78, 86 and 99 with
 * the days, and those of 12mo 131 against 82 (medians of 9, in turn).
 */
export const MAX_HOURS_FOR_A_BRANCH = 1500;

/**
 * The breakdowns' grains: hours and days, or hours alone when days would add a source to read
 * (a rolling range: days in its middle, hours at its ends) and the hours instead are few (at most
 * MAX_HOURS_FOR_A_BRANCH). A calendar period of whole days reads days alone either way.
 */
function grainsWorthABranch(
  query: Query,
  current: (grains: readonly Grain[]) => Stretch[],
  previous: (grains: readonly Grain[]) => Stretch[],
): Grain[] {
  const both = (grains: readonly Grain[]) => [...current(grains), ...previous(grains)];
  const sources = (stretches: readonly Stretch[]) => new Set(stretches.map((stretch) => stretch.source)).size;
  const hoursOnly = both(['hour']);
  const hours = hoursOnly
    .filter((stretch) => stretch.source === 'hour')
    .reduce((sum, stretch) => sum + ((stretch.to ?? query.now) - stretch.from) / GRAIN_SECONDS.hour, 0);
  return sources(both(['hour', 'day'])) > sources(hoursOnly) && hours <= MAX_HOURS_FOR_A_BRANCH ? ['hour'] : ['hour', 'day'];
}

/**
 * The grains of goals and properties: whole days where the breakdowns read days (a long period:
 * grainsWorthABranch), the rest from raw events; raw events alone otherwise. Their rollup rows are
 * many per day (a row per page, object, link and property value, each with its visitors' state),
 * so they pay where many sparse days merge into few rows, not over a range's last days, which
 * hold most of its events. On the read benchmark's store (CPU ms, days / raw events, two runs in
 * turn): goals 12mo 55-59 / 108-111, this_month 32-34 / 59; properties 12mo 48-50 / 90-92; with
 * days offered to 7d too, goals 53 / 51 and properties 41-43 / 37-39.
 */
function keyGrainsOf(breakdownGrains: readonly Grain[]): Grain[] {
  return breakdownGrains.includes('day') ? ['day'] : [];
}

/** The grains whose buckets tile the steps of a time series in a zone that lines up with UTC so. */
export function grainsForSteps(step: Step, aligned: 'utc' | 'hour' | 'none'): Grain[] {
  if (step === 'minute' || aligned === 'none') return [];
  if (step === 'hour' || aligned === 'hour') return ['hour'];
  return ['hour', 'day'];
}

/**
 * The stretches that cover `[from, to)`: the coarsest grain offered takes every whole bucket, the
 * finer ones the edges it leaves, raw events what no grain covers. Empty stretches are left out.
 * An open stretch (`to` undefined) leaves a grain whose first bucket begins after `now` (it
 * holds only events stamped ahead of time) and, for the finest grain, one whose first bucket is
 * still under way (merging its states costs what reading its raw events does): a range of minutes
 * or of an hour is all raw. The day under way is read from the daily rollup, once it has begun.
 */
export function stretchesOf(from: number, to: number | undefined, grains: readonly Grain[], now = Number.POSITIVE_INFINITY): Stretch[] {
  if (to !== undefined && to <= from) return [];
  const coarsest = [...grains].sort((a, b) => GRAIN_SECONDS[b] - GRAIN_SECONDS[a])[0];
  if (coarsest === undefined) return [{ source: 'raw', from, to }];
  const finer = grains.filter((grain) => grain !== coarsest);
  const size = GRAIN_SECONDS[coarsest];
  const start = Math.ceil(from / size) * size;
  const end = to === undefined ? undefined : Math.floor(to / size) * size;
  const underWay = to === undefined && (start > now || (finer.length === 0 && start + size > now));
  if ((end !== undefined && end <= start) || underWay) return stretchesOf(from, to, finer, now);
  return [
    ...stretchesOf(from, start, finer, now),
    { source: coarsest, from: start, to: end },
    ...(end === undefined ? [] : stretchesOf(end, to, finer, now)),
  ];
}

/** Whether any of the stretches is read from a rollup (a part that merges states over its sources). */
export function readsRollups(...stretches: ReadonlyArray<readonly Stretch[]>): boolean {
  return stretches.some((list) => list.some((stretch) => stretch.source !== 'raw'));
}

/** The table and time column each source is read from (the visits read their own rollup: build-sql.ts). */
export const TABLES: Record<Source, { table: string; time: string }> = {
  raw: { table: 'events', time: 'ts' },
  hour: { table: 'events_per_hour', time: 'hour' },
  day: { table: 'events_per_day', time: 'day' },
};

/** The stretches of each source, for the parts of a query that read them; sources without a stretch are left out. */
export function bySource(stretches: readonly Stretch[]): Array<{ source: Source; table: string; time: string; stretches: Stretch[] }> {
  const sources: Source[] = ['raw', 'hour', 'day'];
  return sources
    .map((source) => ({ source, ...TABLES[source], stretches: stretches.filter((stretch) => stretch.source === source) }))
    .filter((part) => part.stretches.length > 0);
}
