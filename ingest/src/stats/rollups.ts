/**
 * Which table answers which stretch of a range. A range is cut where the rollups' buckets begin:
 * whole days from the daily rollup, whole hours from the hourly one, and only the ragged edges
 * (less than an hour at each end) from raw events. Rollup rows hold the same states a query builds
 * from raw rows (sums, uniq states of the same 64-bit keys, argMin/argMax states), so the stretches
 * merge into figures equal to those of a scan of raw events over the whole range: counts, sums,
 * entry and exit pages, bounces and durations are exact; visitors and visits are `uniq` either way
 * (exact for small sets, within about 1 % beyond tens of thousands).
 *
 * A reader offers only the grains it can use: the time series no grain coarser than its step
 * (a day bucket cannot be split into hours), the visits only the hourly per-visit rollup, and
 * filtered summaries none (the rollups know no visits' pages), so they read raw events.
 */

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

/** The table and time column each source is read from. */
const TABLES: Record<Source, { table: string; time: string }> = {
  raw: { table: 'events', time: 'ts' },
  hour: { table: 'events_per_hour', time: 'hour' },
  day: { table: 'events_per_day', time: 'day' },
};

/** Bound parameters for the stretches' limits: every value reaches ClickHouse as a parameter. */
export class TimeParams {
  readonly values: Record<string, number> = {};

  /** A DateTime expression for `seconds` since the epoch, bound as a parameter. */
  time(seconds: number): string {
    const name = `t${Object.keys(this.values).length}`;
    this.values[name] = seconds;
    return `toDateTime({${name}:UInt32}, 'UTC')`;
  }
}

/** `(column >= a AND column < b) OR ...` over the stretches; `0` when there are none. */
export function timeCondition(column: string, stretches: readonly Stretch[], params: TimeParams): string {
  if (stretches.length === 0) return '0';
  return stretches
    .map((stretch) => {
      const from = `${column} >= ${params.time(stretch.from)}`;
      return stretch.to === undefined ? `(${from})` : `(${from} AND ${column} < ${params.time(stretch.to)})`;
    })
    .join(' OR ');
}

/** The stretches of each source, for the parts of a query that read them; sources without a stretch are left out. */
export function bySource(stretches: readonly Stretch[]): Array<{ source: Source; table: string; time: string; stretches: Stretch[] }> {
  const sources: Source[] = ['raw', 'hour', 'day'];
  return sources
    .map((source) => ({ source, ...TABLES[source], stretches: stretches.filter((stretch) => stretch.source === source) }))
    .filter((part) => part.stretches.length > 0);
}

/** The grains the rollups can serve when these filters are set: none once any filter is (the rollups know no visits). */
export function grainsFor(hasFilters: boolean, grains: readonly Grain[] = ['hour', 'day']): Grain[] {
  return hasFilters ? [] : [...grains];
}
