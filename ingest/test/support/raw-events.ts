// Raw event rows as the read-path tests write them straight into `events`, and the clock text and
// local dates those tests count them by (a second way, outside the code under test).

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
