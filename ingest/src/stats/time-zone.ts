/**
 * Local dates and day starts of an IANA time zone, computed from Intl (the zone database Node
 * carries), for what the read path decides outside SQL: where a period begins, the steps of a
 * time series, and whether the UTC rollups' buckets tile a zone's hours and days. Inside SQL the
 * builder converts times with ClickHouse's own functions (build-sql.ts), never here.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The wall clock of `seconds` since the epoch in the zone. */
function wallClock(
  seconds: number,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(seconds * 1000))
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** True when Intl knows the zone (an IANA name such as `Europe/Berlin`, or `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at that instant, in seconds (east positive). */
export function offsetSeconds(seconds: number, timeZone: string): number {
  const wall = wallClock(Math.floor(seconds), timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) / 1000;
  return asUtc - Math.floor(seconds);
}

/** The local date of an instant, `YYYY-MM-DD`. */
export function localDate(seconds: number, timeZone: string): string {
  const { year, month, day } = wallClock(seconds, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * An instant as ISO 8601 with the zone's offset (`2026-11-01T01:30:00.250-07:00`): the wall clock
 * a person of the site reads, and still one exact instant.
 */
export function isoInZone(ms: number, timeZone: string): string {
  const seconds = Math.floor(ms / 1000);
  const offset = offsetSeconds(seconds, timeZone);
  const wall = new Date((seconds + offset) * 1000 + (ms - seconds * 1000)).toISOString().slice(0, 23);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60;
  return `${wall}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A local date `days` after `date` (negative: before), on the calendar alone. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** A local date `months` after `date`'s month, on its first day. */
export function addMonths(date: string, months: number): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month - 1 + months, 1)).toISOString().slice(0, 10);
}

/** The same local date a number of years later (negative: earlier); 29 February becomes 1 March. */
export function addYears(date: string, years: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year + years, month - 1, day)).toISOString().slice(0, 10);
}

/**
 * The first instant of a local date, epoch seconds: its midnight, or where a change of offset
 * that skips midnight lets the day begin. Two corrections of a first guess reach it, since an
 * offset changes at most once near a midnight.
 */
export function startOfLocalDay(date: string, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(year, month - 1, day) / 1000;
  let guess = midnightUtc - offsetSeconds(midnightUtc, timeZone);
  guess = midnightUtc - offsetSeconds(guess, timeZone);
  // Midnight skipped (clocks moved forward at 00:00): the day begins at the first instant it has.
  while (localDate(guess, timeZone) < date) guess += 900;
  while (localDate(guess - 900, timeZone) === date) guess -= 900;
  return guess;
}

/** How often the offset is looked at over a period: changes of offset are months apart. */
const OFFSET_SAMPLE_SECONDS = 7 * 86_400;

/** Every offset the zone has over `[from, to]`, looked at weekly and at both ends. */
function offsetsOver(from: number, to: number, timeZone: string): Set<number> {
  const offsets = new Set<number>();
  for (let at = from; at < to; at += OFFSET_SAMPLE_SECONDS) offsets.add(offsetSeconds(at, timeZone));
  offsets.add(offsetSeconds(to, timeZone));
  return offsets;
}

/**
 * How the zone's clock lines up with UTC's over a period: `utc` when its offset is zero throughout
 * (UTC days are its days), `hour` when the offset is always whole hours (UTC hours are its hours,
 * its days are runs of them), `none` for offsets of :30 or :45 (`Asia/Kolkata`).
 */
export function alignment(from: number, to: number, timeZone: string): 'utc' | 'hour' | 'none' {
  const offsets = [...offsetsOver(from, to, timeZone)];
  if (offsets.every((offset) => offset === 0)) return 'utc';
  return offsets.every((offset) => offset % 3600 === 0) ? 'hour' : 'none';
}
