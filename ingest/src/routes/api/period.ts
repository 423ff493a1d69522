/**
 * The period a read request asks for: `range` (a rolling range, a calendar period or `all`) or
 * `from` and `to` (inclusive local dates in the site's time zone), and `compare`. The schema
 * checks each parameter's shape; what one parameter cannot say alone (a date the calendar lacks,
 * `from` after `to`, a span too long, both or half of the ways to name a period) is refused here,
 * with the same status and code as the schema's refusals.
 */
import createError from '@fastify/error';
import { CALENDAR_PERIODS, COMPARES, type Compare, daysBetween } from '../../stats/parse-query.js';
import { RANGE_NAMES } from '../../stats/range.js';
import type { PeriodName, StatsPeriod } from '../../stats/summary-period.js';
import { addYears } from '../../stats/time-zone.js';

/** Every name `range` takes: rolling ranges, calendar periods of the site's zone, and all time. */
export const PERIOD_NAMES: readonly PeriodName[] = [...RANGE_NAMES, ...CALENDAR_PERIODS, 'all'];

/** The longest span of dates `from` and `to` may name. */
export const MAX_SPAN_YEARS = 5;

export const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

const dateProperty = { type: 'string', pattern: DATE_PATTERN } as const;

/** The query-string properties that name a period; `range` has no default here, so naming both ways is seen. */
export const periodProperties = {
  range: { type: 'string', enum: PERIOD_NAMES },
  from: dateProperty,
  to: dateProperty,
  compare: { type: 'string', enum: COMPARES, default: 'previous' },
} as const;

export interface PeriodQuery {
  range?: PeriodName;
  from?: string;
  to?: string;
  compare: Compare;
}

/** A period the query string cannot name: the same answer as any other refused query string. */
export const BadPeriodError = createError('FST_ERR_VALIDATION', '%s', 400);

export const DEFAULT_RANGE = '24h';

export function periodOf(query: PeriodQuery): StatsPeriod {
  const { range, from, to, compare } = query;
  if (from === undefined && to === undefined) return { range: range ?? DEFAULT_RANGE, compare };
  if (range !== undefined) {
    throw new BadPeriodError('querystring has both range and from/to: name the period one way (range, or from and to)');
  }
  if (from === undefined || to === undefined) {
    throw new BadPeriodError(
      `querystring.${from === undefined ? 'from' : 'to'} is missing: from and to go together (YYYY-MM-DD, inclusive)`,
    );
  }
  for (const [name, date] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!isCalendarDate(date)) throw new BadPeriodError(`querystring.${name} ${JSON.stringify(date)} is not a date of the calendar`);
    // Stored times are seconds since 1970 (ClickHouse's DateTime).
    if (date < '1970-01-01') throw new BadPeriodError(`querystring.${name} ${JSON.stringify(date)} is before 1970-01-01`);
  }
  if (daysBetween(from, to) < 0) {
    throw new BadPeriodError(`querystring.from (${from}) is after querystring.to (${to}): from must be on or before to`);
  }
  if (to >= addYears(from, MAX_SPAN_YEARS)) {
    throw new BadPeriodError(
      `querystring.from to querystring.to spans more than ${MAX_SPAN_YEARS} years (${from} to ${to}): at most ${MAX_SPAN_YEARS} years`,
    );
  }
  return { range: 'custom', from, to, compare };
}

/** True for `YYYY-MM-DD` naming a day the calendar has (not 2026-02-30). */
function isCalendarDate(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const parsed = new Date(Date.UTC(year, month - 1, day));
  return parsed.getUTCFullYear() === year && parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day;
}
