/**
 * The query struct every read of a summary is made from, built once: the site and its time zone,
 * the period resolved to UTC instants, the period it is compared with, the time series' step, the
 * filters. The planner, the builder and the shapers read it; none resolves a time again.
 */
import type { SiteEntry } from '../catalog/catalog.js';
import { activeFilters, type Filters } from './filters.js';
import { RANGES, type Range } from './range.js';
import type { Step } from './steps.js';
import { addDays, addMonths, addYears, localDate, startOfLocalDay } from './time-zone.js';

/** `[from, to)` in epoch seconds; `to` undefined: up to now, and events stamped later count too, as they always have. */
export interface Period {
  from: number;
  to: number | undefined;
}

export interface Query {
  site: SiteEntry;
  /** The site's IANA time zone: days, hours and steps are the site's own. */
  timeZone: string;
  /** A rolling range, a calendar period (`today`, `last_month`...), `all` (back to the oldest stored day) or `custom` (from and to dates). */
  range: Range | CalendarPeriod | 'all' | 'custom';
  current: Period;
  /** What the headline figures are compared with: the period of the same length just before, or the same one a year before. */
  compare: Compare;
  /** The period the headline figures are compared with. */
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

/** Periods of whole local days, named from today in the site's zone. */
export const CALENDAR_PERIODS = ['today', 'yesterday', 'this_month', 'last_month', '12mo'] as const;
export type CalendarPeriod = (typeof CALENDAR_PERIODS)[number];

export const COMPARES = ['previous', 'year'] as const;
export type Compare = (typeof COMPARES)[number];

/** Inclusive local dates, `YYYY-MM-DD`; `name` says what they are when not a custom span (`all`: from the oldest stored day to today). */
export interface DateSpan {
  from: string;
  to: string;
  name?: 'all';
}

export interface ParseOptions {
  rollups?: boolean;
  /** The end of the range, epoch seconds; now by default. */
  now?: number;
  /** A calendar period or a span of local dates, read instead of the rolling range. */
  period?: CalendarPeriod | DateSpan;
  compare?: Compare;
}

const YEAR_SECONDS = 365 * 86_400;

export function parseQuery(
  site: SiteEntry,
  range: Range,
  filters: Filters = {},
  { rollups = true, now, period, compare = 'previous' }: ParseOptions = {},
): Query {
  const end = now ?? Math.floor(Date.now() / 1000);
  const common = {
    site,
    timeZone: site.timeZone,
    now: end,
    compare,
    filters: Object.fromEntries(activeFilters(filters)),
    rollups,
    ownHosts: hostsOf(site.origins),
  };
  if (period !== undefined) {
    const span = typeof period === 'string' ? spanOf(period, localDate(end, site.timeZone)) : { from: period.from, to: period.to };
    const compared = compare === 'year' ? { from: addYears(span.from, -1), to: addYears(span.to, -1) } : before(span, period);
    // Local dates to instants: from the first instant of the first day to the first of the day after the last.
    const instants = (dates: DateSpan) => ({
      from: startOfLocalDay(dates.from, site.timeZone),
      to: startOfLocalDay(addDays(dates.to, 1), site.timeZone),
    });
    const current = instants(span);
    return {
      ...common,
      range: typeof period === 'string' ? period : (period.name ?? 'custom'),
      current,
      previous: instants(compared),
      step: stepFor(current.to - current.from),
    };
  }
  const seconds = RANGES[range];
  return {
    ...common,
    range,
    current: { from: end - seconds, to: undefined },
    previous:
      compare === 'year' ? { from: end - seconds - YEAR_SECONDS, to: end - YEAR_SECONDS } : { from: end - 2 * seconds, to: end - seconds },
    step: RANGE_STEPS[range],
  };
}

/** The local dates of a calendar period, from today's local date. */
function spanOf(period: CalendarPeriod, today: string): DateSpan {
  const month = `${today.slice(0, 8)}01`;
  switch (period) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case 'this_month':
      return { from: month, to: addDays(addMonths(month, 1), -1) };
    case 'last_month':
      return { from: addMonths(month, -1), to: addDays(month, -1) };
    case '12mo':
      return { from: addMonths(month, -11), to: addDays(addMonths(month, 1), -1) };
  }
}

/** The period of the same length just before: as many whole months before a period of months, else as many days. */
function before(span: DateSpan, period: CalendarPeriod | DateSpan): DateSpan {
  if (period === 'this_month' || period === 'last_month' || period === '12mo') {
    return { from: addMonths(span.from, period === '12mo' ? -12 : -1), to: addDays(span.from, -1) };
  }
  const days = daysBetween(span.from, span.to) + 1;
  return { from: addDays(span.from, -days), to: addDays(span.from, -1) };
}

/** Whole days from one local date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The step for a period's length: a day or two by the hour, up to a quarter by the day, up to a year by the week, longer by the month. */
function stepFor(seconds: number): Step {
  if (seconds <= 2 * 86_400 + 3600) return 'hour';
  if (seconds <= 93 * 86_400) return 'day';
  if (seconds <= 366 * 86_400 + 3600) return 'week';
  return 'month';
}

/** The hosts of a site's own origins (`https://example.com` → `example.com`). */
export function hostsOf(origins: Iterable<string>): string[] {
  return [...origins].map((origin) => new URL(origin).host);
}
