// Raw event rows as the read-path tests write them straight into `events`, and the clock text and
// local dates those tests count them by (a second way, outside the code under test).
import type { ClickHouseClient } from '@clickhouse/client';

export interface RawEvent {
  site: string;
  type: string;
  ts: string;
  event_id: string;
  session_id: string;
  visitor_id: string;
  source: string;
  path: string;
  received_at: string;
  /** Epoch seconds, for the counts made in the test; not a column. */
  s: number;
}

/** Epoch seconds as ClickHouse's DateTime64 text. */
export const clock = (seconds: number) => new Date(seconds * 1000).toISOString().replace('T', ' ').replace('Z', '');

/** The local date (YYYY-MM-DD) of an instant in `zone`, by Intl. */
export function localDateIn(zone: string): (seconds: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (seconds) => format.format(new Date(seconds * 1000));
}

/** Calendar arithmetic on YYYY-MM-DD dates, for naming the periods a test asks for. */
export const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** The first day of the month `months` after the date's month. */
export const addMonths = (date: string, months: number) => {
  const [year, month] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month - 1 + months, 1)).toISOString().slice(0, 10);
};
export const addYears = (date: string, years: number) => `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;

/**
 * `events` page views of 'portfolio' written straight to the table with an insert mark ten minutes
 * old (by the engine's clock), as if they had arrived then: past the engagement fold's settle time.
 */
export async function insertSettledPageViews(client: ClickHouseClient, events: number): Promise<void> {
  await client.command({
    query: `INSERT INTO events (site, type, ts, event_id, source, received_at, inserted_at)
            SELECT 'portfolio', 'page_view', t, generateUUIDv4(), 'beacon', t, t
            FROM (SELECT now64(3, 'UTC') - toIntervalMinute(10) - toIntervalMillisecond(number) AS t FROM numbers({events:UInt64}))`,
    query_params: { events },
  });
}
