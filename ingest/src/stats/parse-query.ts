/**
 * The query struct every read of a summary is made from, built once: the site and its time zone,
 * the period resolved to UTC instants, the period it is compared with, the time series' step, the
 * filters. The planner, the builder and the shapers read it; none resolves a time again.
 */
import type { SiteEntry } from '../catalog/catalog.js';
import { activeFilters, type Filters } from './filters.js';
import { RANGES, type Range } from './range.js';
import type { Step } from './steps.js';

/** `[from, to)` in epoch seconds; `to` undefined: up to now, and events stamped later count too, as they always have. */
export interface Period {
  from: number;
  to: number | undefined;
}

export interface Query {
  site: SiteEntry;
  /** The site's IANA time zone: days, hours and steps are the site's own. */
  timeZone: string;
  range: Range;
  current: Period;
  /** The period the headline figures are compared with: the same length just before. */
  previous: { from: number; to: number };
  /** One "now" for every part of a summary, whole seconds, so the stretches read from rollups and raw events meet exactly. */
  now: number;
  step: Step;
  filters: Filters;
  /** False reads every figure from raw events (what the tests compare the rollups with). */
  rollups: boolean;
  /** The hosts of the site's own origins: a referrer on one of them is never a source. */
  ownHosts: string[];
}

/** How finely each range is drawn: about 5 to 170 points, never finer than a minute. */
export const RANGE_STEPS: Record<Range, Step> = {
  '5m': 'minute',
  '1h': 'minute',
  '24h': 'hour',
  '7d': 'hour',
  '30d': 'day',
};

export interface ParseOptions {
  rollups?: boolean;
  /** The end of the range, epoch seconds; now by default. */
  now?: number;
}

export function parseQuery(site: SiteEntry, range: Range, filters: Filters = {}, { rollups = true, now }: ParseOptions = {}): Query {
  const end = now ?? Math.floor(Date.now() / 1000);
  const seconds = RANGES[range];
  return {
    site,
    timeZone: site.timeZone,
    range,
    current: { from: end - seconds, to: undefined },
    previous: { from: end - 2 * seconds, to: end - seconds },
    now: end,
    step: RANGE_STEPS[range],
    filters: Object.fromEntries(activeFilters(filters)),
    rollups,
    ownHosts: hostsOf(site.origins),
  };
}

/** The hosts of a site's own origins (`https://example.com` → `example.com`). */
export function hostsOf(origins: Iterable<string>): string[] {
  return [...origins].map((origin) => new URL(origin).host);
}
