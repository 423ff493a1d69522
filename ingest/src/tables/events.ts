// The `events` table (ingest/migrations/0001_create_events.sql and later): one analytics event a row.
// Its row, what recognises a re-sent event (its id within its site), its JSON line, and the keys of
// what it stored lately.
import fastJson from 'fast-json-stringify';
import type { StoredTable } from './stored-table.js';

/** One row of the `events` table (ingest/migrations/0001_create_events.sql). */
export interface EventRow {
  site: string;
  type: string;
  /** epoch milliseconds */
  ts: number;
  event_id: string;
  session_id: string;
  visitor_id: string;
  source: 'beacon' | 'otlp';
  path: string;
  referrer_host: string;
  object_id: string;
  room_id: string;
  nav_from: string;
  nav_to: string;
  duration_ms: number;
  props: Record<string, string>;
  device: string;
  browser: string;
  os: string;
  /** ISO 3166-1 alpha-2, or '' when unknown. */
  country: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_term: string;
  utm_content: string;
  received_at: number;
}

const text = { type: 'string' } as const;
const whole = { type: 'integer' } as const;

/**
 * One `events` row as a JSON line. Compiled from the row's schema: on the hot path this is about
 * twice as fast as JSON.stringify, which must discover the object's shape every time.
 */
const serializeEventRow: (row: EventRow) => string = fastJson({
  type: 'object',
  properties: {
    site: text,
    type: text,
    ts: whole,
    event_id: text,
    session_id: text,
    visitor_id: text,
    source: text,
    path: text,
    referrer_host: text,
    object_id: text,
    room_id: text,
    nav_from: text,
    nav_to: text,
    duration_ms: whole,
    props: { type: 'object', additionalProperties: text },
    device: text,
    browser: text,
    os: text,
    country: text,
    utm_source: text,
    utm_medium: text,
    utm_campaign: text,
    utm_term: text,
    utm_content: text,
    received_at: whole,
  },
});

export const eventsTable: StoredTable<EventRow> = {
  name: 'events',
  keyOf: (row) => `e|${row.site}|${row.event_id}`,
  serialize: serializeEventRow,
  recentKeys: `SELECT concat('e|', site, '|', event_id) AS key, received_at AS at FROM events
    WHERE received_at > now() - INTERVAL 25 HOUR`,
};
