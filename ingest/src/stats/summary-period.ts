/**
 * A summary's period as the live feed and the routes name it (StatsPeriod) turned into what
 * readStats reads, and the two facts the feed needs before reading: where the period begins (the
 * refused values are listed from that day) and whether it has ended (a period that has ended
 * gets no live updates).
 */
import type { SiteEntry } from '../catalog/catalog.js';
import { CALENDAR_PERIODS, type CalendarPeriod, type Compare, parseQuery } from './parse-query.js';
import { RANGE_NAMES, RANGES, type Range } from './range.js';
import type { ReadOptions } from './stats.js';

/** A rolling range, a calendar period of the site's zone, or `all`. */
export type PeriodName = Range | CalendarPeriod | 'all';

/** The period of a summary: a named one, or `custom` inclusive local dates; and what it is compared with. */
export type StatsPeriod =
  | { range: PeriodName | string; from?: undefined; to?: undefined; compare?: Compare }
  | { range: 'custom'; from: string; to: string; compare?: Compare };

/** The rolling range (or the default one, for a period of dates) and the options readStats takes. */
export function readOptionsOf(period: StatsPeriod): { range: Range; options: ReadOptions } | undefined {
  const compare = period.compare ?? 'previous';
  if (RANGE_NAMES.includes(period.range as Range)) return { range: period.range as Range, options: { compare } };
  if (CALENDAR_PERIODS.includes(period.range as CalendarPeriod) || period.range === 'all') {
    return { range: '24h', options: { compare, period: period.range as CalendarPeriod | 'all' } };
  }
  if (period.range === 'custom' && period.from !== undefined && period.to !== undefined) {
    return { range: '24h', options: { compare, period: { from: period.from, to: period.to } } };
  }
  return undefined;
}

/** Where the period begins and ends, epoch seconds (`to` undefined: it runs on); `all` begins at 0 (its first day is found when read). */
export function boundsOf(site: SiteEntry, period: StatsPeriod, now: number): { from: number; to: number | undefined } | undefined {
  const read = readOptionsOf(period);
  if (!read) return undefined;
  if (read.options.period === undefined) return { from: now - RANGES[read.range], to: undefined };
  if (read.options.period === 'all') return { from: 0, to: undefined };
  return parseQuery(site, read.range, {}, { now, period: read.options.period }).current;
}

/** True when the period ended before `now`: its figures no longer follow the clock. */
export function hasEnded(site: SiteEntry, period: StatsPeriod, now: number): boolean {
  const to = boundsOf(site, period, now)?.to;
  return to !== undefined && to <= now;
}
