import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteEntry } from '../catalog/catalog.js';

export const RANGES = { '5m': 300, '1h': 3600, '24h': 86_400, '7d': 604_800, '30d': 2_592_000 } as const;
export type Range = keyof typeof RANGES;

export interface Stats {
  site: string;
  range: Range;
  total_events: number;
  events_by_type: Record<string, number>;
  top_objects: Array<{ object: string; clicks: number }>;
  never_clicked: string[];
  visitors: number;
  active_visitors: number;
  visits_last_minute: number;
  recent_events: Array<Record<string, unknown>>;
}

/**
 * The summary behind `/api/stats` and `/api/stream`. Counts over the range come from the
 * per-minute rollup; only the last minutes and the newest events read raw rows.
 */
export async function readStats(client: ClickHouseClient, site: SiteEntry, range: Range): Promise<Stats> {
  const params = { site: site.id, seconds: RANGES[range] };
  const [byType, byObject, totals, recent] = await Promise.all([
    rows<{ type: string; events: string }>(
      client,
      `SELECT type, sum(events) AS events FROM events_per_minute
       WHERE site = {site:String} AND minute >= toStartOfMinute(now() - {seconds:UInt32})
       GROUP BY type`,
      params,
    ),
    rows<{ object: string; clicks: string }>(
      client,
      `SELECT object_id AS object, sum(events) AS clicks FROM events_per_minute
       WHERE site = {site:String} AND type = 'object_click' AND minute >= toStartOfMinute(now() - {seconds:UInt32})
       GROUP BY object_id ORDER BY clicks DESC, object ASC`,
      params,
    ),
    rows<{ visitors: string; active_visitors: string; visits_last_minute: string }>(
      client,
      `SELECT
         (SELECT uniqMerge(visitors) FROM events_per_minute
          WHERE site = {site:String} AND minute >= toStartOfMinute(now() - {seconds:UInt32})) AS visitors,
         (SELECT uniqExactIf(visitor_id, visitor_id != '') FROM events
          WHERE site = {site:String} AND ts >= now() - INTERVAL 5 MINUTE) AS active_visitors,
         (SELECT uniqExactIf(session_id, session_id != '') FROM events
          WHERE site = {site:String} AND ts >= now() - INTERVAL 1 MINUTE) AS visits_last_minute`,
      params,
    ),
    rows<Record<string, unknown>>(
      client,
      `SELECT ts, type, path, object_id, room_id, nav_from, nav_to, duration_ms, session_id, source, device
       FROM events WHERE site = {site:String} AND ts >= now() - {seconds:UInt32}
       ORDER BY ts DESC LIMIT 20`,
      params,
    ),
  ]);

  const eventsByType = Object.fromEntries(byType.map((row) => [row.type, Number(row.events)]));
  const topObjects = byObject.map((row) => ({ object: row.object, clicks: Number(row.clicks) }));
  const clicked = new Set(topObjects.map((row) => row.object));
  const summary = totals[0];
  return {
    site: site.id,
    range,
    total_events: Object.values(eventsByType).reduce((sum, count) => sum + count, 0),
    events_by_type: eventsByType,
    top_objects: topObjects,
    never_clicked: site.objects.filter((object) => !clicked.has(object)),
    visitors: Number(summary?.visitors ?? 0),
    active_visitors: Number(summary?.active_visitors ?? 0),
    visits_last_minute: Number(summary?.visits_last_minute ?? 0),
    recent_events: recent,
  };
}

async function rows<Row>(client: ClickHouseClient, query: string, params: Record<string, unknown>): Promise<Row[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<Row>();
}
