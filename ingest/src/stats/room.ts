/** The room: views and clicks of every catalog object, and which were seen but never clicked. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteEntry } from '../catalog/catalog.js';
import { activeFilters, visitsMatching, type Filters } from './filters.js';
import { count, rows } from './query.js';

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
 * Counts by type and object from the per-minute rollup (a sum, no distinct count: cheap at any
 * size): the room's views and clicks, and every type's total for `events_by_type`. The rollup
 * knows no visits, so a filtered summary counts raw events of the matching visits instead.
 */
export async function readRoom(
  client: ClickHouseClient,
  params: { site: string; seconds: number },
  site: SiteEntry,
  filters: Filters = {},
): Promise<Room & { events_by_type: Record<string, number> }> {
  const matching = visitsMatching(filters, 'now() - {seconds:UInt32}');
  const found = await rows<{ type: string; object: string; events: string }>(
    client,
    activeFilters(filters).length === 0
      ? `SELECT type, object_id AS object, sum(events) AS events
         FROM events_per_minute
         WHERE site = {site:String} AND minute >= toStartOfMinute(now() - {seconds:UInt32})
         GROUP BY type, object_id ORDER BY type, object_id`
      : `SELECT type, object_id AS object, count() AS events
         FROM events
         WHERE site = {site:String} AND ts >= now() - {seconds:UInt32}${matching.sql}
         GROUP BY type, object_id ORDER BY type, object_id`,
    { ...params, ...matching.params },
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
