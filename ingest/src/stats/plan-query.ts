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
 * no local time: any zone's periods are read from the rollups, cut at UTC's hours and days.
 */
import { activeFilters } from './filters.js';
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
}

export function planQuery(query: Query): Plan {
  const offered = (grains: readonly Grain[]) => (query.rollups && activeFilters(query.filters).length === 0 ? [...grains] : []);
  const current = (grains: readonly Grain[]) => stretchesOf(query.current.from, query.current.to, offered(grains), query.now);
  const timeGrains = grainsForSteps(query.step, alignment(query.previous.from, query.now, query.timeZone));
  return {
    query,
    overTime: current(timeGrains),
    previousOverTime: stretchesOf(query.previous.from, query.previous.to, offered(timeGrains)),
    breakdowns: current(['hour', 'day']),
    previousBreakdowns: stretchesOf(query.previous.from, query.previous.to, offered(['hour', 'day'])),
    visits: current(['hour']),
    previousVisits: stretchesOf(query.previous.from, query.previous.to, offered(['hour'])),
    counts: current(['hour', 'day']),
  };
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
