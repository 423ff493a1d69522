/** The summary behind `/api/stats`, `/api/stream` and the overview page: every figure of a site and range. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteEntry } from '../catalog/catalog.js';
import { hostsOf, readAudience, type Audience } from './audience.js';
import { readHeadline, type Headline } from './headline.js';
import { readTopPages, readVisits, type FlowRow, type PageRow, type VisitPageRow } from './pages.js';
import { count, rows } from './query.js';
import { rangeParams, STEP_SECONDS, type Range } from './range.js';
import type { RefusedValue } from './refused-values.js';
import { readRoom, type Room } from './room.js';
import { readTimeseries, type TimePoint } from './timeseries.js';

export { RANGES, RANGE_NAMES, type Range } from './range.js';

export interface Stats extends Headline, Room, Audience {
  site: string;
  range: Range;
  total_events: number;
  events_by_type: Record<string, number>;
  /** The same figures for the period of the same length just before the range. */
  previous: Headline;
  bounce_rate: number;
  visit_duration_s: number;
  active_visitors: number;
  visits_last_minute: number;
  top_pages: PageRow[];
  entry_pages: VisitPageRow[];
  exit_pages: VisitPageRow[];
  flows: FlowRow[];
  timeseries: TimePoint[];
  timeseries_step_s: number;
  refused: RefusedValue[];
  recent_events: Array<Record<string, unknown>>;
}

/**
 * Counts over the range come from the per-minute rollup; visits, sources and the live figures
 * read raw rows (they need a session's order or the last minutes). The queries run side by side.
 */
export async function readStats(
  client: ClickHouseClient,
  site: SiteEntry,
  range: Range,
  refused: readonly RefusedValue[] = [],
): Promise<Stats> {
  const params = rangeParams(site.id, range);
  const [byType, headline, timeseries, topPages, visits, audience, room, live, recent] = await Promise.all([
    rows<{ type: string; events: string }>(
      client,
      `SELECT type, sum(events) AS events FROM events_per_minute
       WHERE site = {site:String} AND minute >= toStartOfMinute(now() - {seconds:UInt32})
       GROUP BY type ORDER BY type`,
      params,
    ),
    readHeadline(client, params),
    readTimeseries(client, params, STEP_SECONDS[range]),
    readTopPages(client, params),
    readVisits(client, params),
    readAudience(client, params, hostsOf(site.origins)),
    readRoom(client, params, site),
    rows<{ active_visitors: string; visits_last_minute: string }>(
      client,
      `SELECT uniqExactIf(visitor_id, visitor_id != '' AND ts >= now() - INTERVAL 5 MINUTE) AS active_visitors,
              uniqExactIf(session_id, session_id != '' AND ts >= now() - INTERVAL 1 MINUTE) AS visits_last_minute
       FROM events WHERE site = {site:String} AND ts >= now() - INTERVAL 5 MINUTE`,
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

  const eventsByType = Object.fromEntries(byType.map((row) => [row.type, count(row.events)]));
  return {
    site: site.id,
    range,
    total_events: Object.values(eventsByType).reduce((sum, n) => sum + n, 0),
    events_by_type: eventsByType,
    ...headline.current,
    previous: headline.previous,
    bounce_rate: visits.summary.bounce_rate,
    visit_duration_s: visits.summary.visit_duration_s,
    active_visitors: count(live[0]?.active_visitors),
    visits_last_minute: count(live[0]?.visits_last_minute),
    top_pages: topPages,
    entry_pages: visits.entry_pages,
    exit_pages: visits.exit_pages,
    flows: visits.flows,
    ...audience,
    ...room,
    timeseries,
    timeseries_step_s: STEP_SECONDS[range],
    refused: [...refused],
    recent_events: recent,
  };
}
