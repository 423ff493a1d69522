import type { ClickHouseClient } from '@clickhouse/client';

export interface EventsFilter {
  site: string;
  session?: string;
  type?: string;
  limit: number;
}

/** The newest stored events of a site, optionally of one session or type, newest first. */
export async function readEvents(client: ClickHouseClient, filter: EventsFilter): Promise<Array<Record<string, unknown>>> {
  const conditions = ['site = {site:String}'];
  if (filter.session !== undefined) conditions.push('session_id = {session:String}');
  if (filter.type !== undefined) conditions.push('type = {type:String}');
  const result = await client.query({
    query: `SELECT event_id, type, ts, session_id, visitor_id, source, path, referrer_host, object_id, room_id,
                   nav_from, nav_to, duration_ms, props, device, browser, os
            FROM events WHERE ${conditions.join(' AND ')}
            ORDER BY ts DESC LIMIT {limit:UInt32}`,
    query_params: { ...filter },
    format: 'JSONEachRow',
  });
  return result.json();
}
