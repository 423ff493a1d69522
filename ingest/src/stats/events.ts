/** The stored events themselves, newest first: for `/api/events` and its CSV export. */
import type { ClickHouseClient } from '@clickhouse/client';
import { rows } from './run-query.js';

export interface EventsFilter {
  site: string;
  session?: string;
  visitor?: string;
  type?: string;
  limit: number;
}

/** The columns served, in this order (also the CSV header). */
export const EVENT_COLUMNS = [
  'event_id',
  'type',
  'ts',
  'session_id',
  'visitor_id',
  'source',
  'path',
  'referrer_host',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'object_id',
  'room_id',
  'nav_from',
  'nav_to',
  'duration_ms',
  'props',
  'device',
  'browser',
  'os',
  'country',
] as const;

/** The newest stored events of a site, optionally of one session, visitor or type, newest first. */
export async function readEvents(client: ClickHouseClient, filter: EventsFilter): Promise<Array<Record<string, unknown>>> {
  const conditions = ['site = {site:String}'];
  if (filter.session !== undefined) conditions.push('session_id = {session:String}');
  if (filter.visitor !== undefined) conditions.push('visitor_id = {visitor:String}');
  if (filter.type !== undefined) conditions.push('type = {type:String}');
  return rows(
    client,
    `SELECT ${EVENT_COLUMNS.join(', ')} FROM events WHERE ${conditions.join(' AND ')}
     ORDER BY ts DESC LIMIT {limit:UInt32}`,
    { ...filter },
  );
}
