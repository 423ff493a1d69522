/** The room: views and clicks of every catalog object, and which were seen but never clicked. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteEntry } from '../catalog/catalog.js';
import { activeFilters, visitsMatching, type Filters } from './filters.js';
import { count, rows } from './query.js';
import type { RangeParams } from './range.js';
import { bySource, grainsFor, stretchesOf, timeCondition, TimeParams } from './rollups.js';

export interface ObjectRow {
  object: string;
  room: string;
  views: number;
  clicks: number;
  /** Clicks per view; null when the object was never seen (nothing to divide by). */
  click_rate: number | null;
}

export interface Room {
  /** Every object of the catalog, most clicked first, then most viewed. */
  objects: ObjectRow[];
  /** Objects with a click, most first (the shape `/api/stats` has always had). */
  top_objects: Array<{ object: string; clicks: number }>;
  /** Catalog objects without a click in the range. */
  never_clicked: string[];
  /** Of those, the ones visitors saw: the answer the owner wants most. */
  seen_never_clicked: string[];
}

/**
 * Counts by type and object (sums, no distinct count: exact from any table): the room's views and
 * clicks, and every type's total for `events_by_type`. Whole days and hours come from the daily
 * and hourly rollups' `type` rows, the edges of the range from raw events. The rollups know no
 * visits, so a filtered summary counts raw events of the matching visits instead.
 */
export async function readRoom(
  client: ClickHouseClient,
  params: RangeParams,
  site: SiteEntry,
  filters: Filters = {},
  { rollups = true } = {},
): Promise<Room & { events_by_type: Record<string, number> }> {
  const { now, seconds } = params;
  const stretches = stretchesOf(now - seconds, undefined, rollups ? grainsFor(activeFilters(filters).length > 0) : [], now);
  const times = new TimeParams();
  const matching = visitsMatching(filters, times.time(now - seconds));
  const parts = bySource(stretches).map(({ source, table, time, stretches: own }) =>
    source === 'raw'
      ? `SELECT toString(type) AS type, toString(object_id) AS object, count() AS events
         FROM events
         WHERE site = {site:String} AND (${timeCondition('ts', own, times)})${matching.sql}
         GROUP BY type, object`
      : `SELECT value AS type, value2 AS object, events
         FROM ${table}
         WHERE site = {site:String} AND dimension = 'type' AND (${timeCondition(time, own, times)})`,
  );
  const found = await rows<{ type: string; object: string; events: string }>(
    client,
    `SELECT type, object, sum(events) AS events
     FROM (${parts.join('\n UNION ALL \n')})
     GROUP BY type, object ORDER BY type, object`,
    { site: params.site, ...matching.params, ...times.values },
  );
  const eventsByType: Record<string, number> = {};
  const stored = new Map<string, { views: number; clicks: number }>();
  for (const row of found) {
    eventsByType[row.type] = (eventsByType[row.type] ?? 0) + count(row.events);
    if (row.type !== 'object_view' && row.type !== 'object_click') continue;
    const entry = stored.get(row.object) ?? { views: 0, clicks: 0 };
    if (row.type === 'object_view') entry.views += count(row.events);
    else entry.clicks += count(row.events);
    stored.set(row.object, entry);
  }
  const objects = site.objects
    .map((object) => {
      const { views, clicks } = stored.get(object) ?? { views: 0, clicks: 0 };
      return { object, room: site.objectRooms.get(object) ?? '', views, clicks, click_rate: views > 0 ? clicks / views : null };
    })
    .sort((a, b) => b.clicks - a.clicks || b.views - a.views || a.object.localeCompare(b.object));
  const neverClicked = site.objects.filter((object) => !(stored.get(object)?.clicks ?? 0));
  return {
    events_by_type: eventsByType,
    objects,
    top_objects: objects.filter((row) => row.clicks > 0).map((row) => ({ object: row.object, clicks: row.clicks })),
    never_clicked: neverClicked,
    seen_never_clicked: neverClicked.filter((object) => (stored.get(object)?.views ?? 0) > 0),
  };
}
