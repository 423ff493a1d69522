// ISO 8601 weeks (Monday to Sunday; week 1 holds the year's first Thursday) as local dates of a
// site's zone: what a digest covers, named `2026-W44`.
import { addDays, localDate, offsetSeconds, startOfLocalDay } from '../stats/time-zone.js';

export const WEEK_PATTERN = '^[0-9]{4}-W[0-9]{2}$';

/** Monday = 0 ... Sunday = 6 of a `YYYY-MM-DD` date. */
function weekday(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** The Monday of the week holding `date`. */
export function mondayOf(date: string): string {
  return addDays(date, -weekday(date));
}

/** The ISO week of a local date, `YYYY-Www`. */
export function weekOf(date: string): string {
  // The week's Thursday decides its year.
  const thursday = addDays(mondayOf(date), 3);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor((Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${year}-01-01T00:00:00Z`)) / 86_400_000 / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The week's local dates, Monday to Sunday; undefined for a week the year does not have (2026-W54). */
export function weekSpan(week: string): { from: string; to: string } | undefined {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) return undefined;
  // 4 January is always in week 1.
  const from = addDays(mondayOf(`${match[1]}-01-04`), (Number(match[2]) - 1) * 7);
  if (Number(match[2]) < 1 || weekOf(from) !== week) return undefined;
  return { from, to: addDays(from, 6) };
}

/** The instant a local date's wall clock reads `hour`:00, epoch seconds (the zone's offset then). */
export function localHour(date: string, hour: number, timeZone: string): number {
  const midnight = startOfLocalDay(date, timeZone);
  const guess = midnight + hour * 3600;
  return guess + offsetSeconds(midnight, timeZone) - offsetSeconds(guess, timeZone);
}

/**
 * The week whose digest is due at `now` (epoch seconds): each Monday at `hour` local time, the
 * week that ended the day before; before that hour on a Monday, still the week before it.
 */
export function dueWeek(now: number, timeZone: string, hour: number): { week: string; dueAt: number } {
  let monday = mondayOf(localDate(now, timeZone));
  if (now < localHour(monday, hour, timeZone)) monday = addDays(monday, -7);
  return { week: weekOf(addDays(monday, -1)), dueAt: localHour(monday, hour, timeZone) };
}
