/** What is happening now: visitors of the last 5 minutes, visits of the last minute, the newest events. */
import type { ClickHouseClient } from '@clickhouse/client';
import { count, rows } from './run-query.js';

export interface Live {
  active_visitors: number;
  visits_last_minute: number;
  recent_events: Array<Record<string, unknown>>;
}

const RECENT_EVENTS = 20;

export async function readLive(client: ClickHouseClient, params: { site: string; seconds: number }): Promise<Live> {
  const [now, recent] = await Promise.all([
    rows<{ active_visitors: string; visits_last_minute: string }>(
      client,
      `SELECT uniqExactIf(visitor_key, visitor_key != 0) AS active_visitors,
              uniqExactIf(session_key, session_key != 0 AND ts >= now64(3) - INTERVAL 1 MINUTE) AS visits_last_minute
       FROM events WHERE site = {site:String} AND ts >= now64(3) - INTERVAL 5 MINUTE`,
      params,
    ),
    readRecent(client, params),
  ]);
  return { active_visitors: count(now[0]?.active_visitors), visits_last_minute: count(now[0]?.visits_last_minute), recent_events: recent };
}

/** The last hour holds the newest events of any busy site; a range's older events are read only when it holds too few. */
const RECENT_FIRST_SECONDS = 3600;

/**
 * The newest events of the range. Sorting a long range's every row to keep twenty cost more than
 * the rest of a summary; the last hour is read first, the whole range only when the hour held
 * fewer than twenty (the same rows either way).
 */
async function readRecent(client: ClickHouseClient, params: { site: string; seconds: number }): Promise<Array<Record<string, unknown>>> {
  const read = (seconds: number) =>
    rows<Record<string, unknown>>(
      client,
      `SELECT ts, type, path, object_id, room_id, nav_from, nav_to, duration_ms, session_id, source, device
       FROM events WHERE site = {site:String} AND ts >= now64(3) - {seconds:UInt32}
       ORDER BY ts DESC LIMIT {limit:UInt32}`,
      { site: params.site, seconds, limit: RECENT_EVENTS },
    );
  if (params.seconds <= RECENT_FIRST_SECONDS) return read(params.seconds);
  const recent = await read(RECENT_FIRST_SECONDS);
  return recent.length >= RECENT_EVENTS ? recent : read(params.seconds);
}
