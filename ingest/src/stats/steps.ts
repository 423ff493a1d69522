/**
 * The steps a time series is drawn in, and where each step begins in the site's time zone: the
 * JavaScript twin of the builder's bucket expression (build-sql.ts), so every step of a period
 * gets a point, empty ones as zero.
 */
import { addDays, addMonths, localDate, offsetSeconds, startOfLocalDay } from './time-zone.js';

export const STEPS = ['minute', 'hour', 'day', 'week', 'month'] as const;
export type Step = (typeof STEPS)[number];

/** A step's nominal length in seconds (`timeseries_step_s`); days, weeks and months vary with the zone. */
export const STEP_NOMINAL_SECONDS: Record<Step, number> = {
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 604_800,
  month: 2_592_000,
};

/** The start of the step holding `seconds`, epoch seconds, as the builder's bucket expression has it. */
export function stepStart(seconds: number, step: Step, timeZone: string): number {
  switch (step) {
    case 'minute':
      return Math.floor(seconds / 60) * 60;
    case 'hour': {
      const offset = offsetSeconds(seconds, timeZone);
      return Math.floor((seconds + offset) / 3600) * 3600 - offset;
    }
    case 'day':
      return startOfLocalDay(localDate(seconds, timeZone), timeZone);
    case 'week': {
      const date = localDate(seconds, timeZone);
      const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
      return startOfLocalDay(addDays(date, -weekday), timeZone);
    }
    case 'month':
      return startOfLocalDay(`${localDate(seconds, timeZone).slice(0, 8)}01`, timeZone);
  }
}

/** The start of the step after the one that begins at `start`. */
function nextStart(start: number, step: Step, timeZone: string): number {
  switch (step) {
    case 'minute':
      return start + 60;
    case 'hour':
      return stepStart(start + 3600, step, timeZone);
    case 'day':
      return startOfLocalDay(addDays(localDate(start, timeZone), 1), timeZone);
    case 'week':
      return startOfLocalDay(addDays(localDate(start, timeZone), 7), timeZone);
    case 'month':
      return startOfLocalDay(addMonths(localDate(start, timeZone), 1), timeZone);
  }
}

/** The starts of every step from the one holding `from` to the one holding `last` (inclusive). */
export function stepStarts(from: number, last: number, step: Step, timeZone: string): number[] {
  const starts: number[] = [];
  for (let start = stepStart(from, step, timeZone); start <= last; start = nextStart(start, step, timeZone)) starts.push(start);
  return starts;
}
