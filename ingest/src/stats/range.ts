/** The time ranges the read API knows, and how finely each is drawn over time. */

export const RANGES = { '5m': 300, '1h': 3600, '24h': 86_400, '7d': 604_800, '30d': 2_592_000 } as const;
export type Range = keyof typeof RANGES;
export const RANGE_NAMES = Object.keys(RANGES) as Range[];

/** Seconds per point of the time series: about 5 to 170 points, never finer than the minute rollup. */
export const STEP_SECONDS: Record<Range, number> = {
  '5m': 60,
  '1h': 60,
  '24h': 3600,
  '7d': 3600,
  '30d': 86_400,
};

/** What every range query is of: the site, the range's length, and the moment it ends (epoch seconds). */
export interface RangeParams {
  site: string;
  seconds: number;
  /**
   * One "now" for every query of a summary, so the stretches each reads from the rollups and from
   * raw events meet exactly; whole seconds, as ClickHouse's now() that the queries used before.
   */
  now: number;
}

export function rangeParams(site: string, range: Range, now = Math.floor(Date.now() / 1000)): RangeParams {
  return { site, seconds: RANGES[range], now };
}
