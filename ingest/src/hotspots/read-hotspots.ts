/**
 * The hotspots of a site's pages for a period: the most clicked elements, and for one page the
 * clicks per cell of 1 % of the document. Whole hours come from the rollup `hotspots_per_hour`
 * (migrations 0040-0042), the period's partial first and last hours from raw `ui_click` events
 * with the same rows made on the fly (EVENT_ROWS), so any period is exact. A viewport class keeps
 * layouts apart; clicks of the OpenTelemetry browser instrumentation carry no viewport class and
 * no share of the document (`viewport` '': they count among the elements, never in cells).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteEntry } from '../catalog/catalog.js';
import { UI_CLICK } from '../otlp/standard-telemetry.js';
import { count, rows } from '../stats/run-query.js';
import { boundsOf, type StatsPeriod } from '../stats/summary-period.js';

/** Rows of each ranked list. */
export const HOTSPOT_LIST_LIMIT = 20;

export interface HotspotQuery {
  /** One page's path; absent: every page (pages and elements, no cells). */
  path?: string;
  /** One viewport class; absent: every one. */
  viewport?: string;
}

export interface HotspotElement {
  path: string;
  /** The element's selector; '' for the elements past the page's daily bound (selector-bound.ts). */
  selector: string;
  tag: string;
  clicks: number;
  /** Mean place of its clicks, whole percent of the document; null when none carried one. */
  x: number | null;
  y: number | null;
}

export interface Hotspots {
  site: string;
  range: StatsPeriod['range'];
  /** Epoch seconds `[from, to)`; `to` null: up to now. */
  period: { from: number; to: number | null };
  path: string | null;
  viewport: string | null;
  /** The site's origins in the catalog: where its pages live, for the heatmap link. */
  origins: string[];
  total_clicks: number;
  pages: Array<{ path: string; clicks: number }>;
  elements: HotspotElement[];
  /** Clicks per cell (x, y in whole percent); only for one page. */
  cells: Array<{ x: number; y: number; clicks: number }>;
}

/** The rollup's rows made from raw events: the SELECT of migration 0042 without the hour. */
const EVENT_ROWS = `WITH toUInt8OrNull(props['x']) AS px, toUInt8OrNull(props['y']) AS py,
     toUInt8(px IS NOT NULL AND py IS NOT NULL AND px <= 100 AND py <= 100) AS has_place
SELECT path, props['viewport'] AS viewport, item.1 AS kind, item.2 AS selector, item.3 AS tag, item.4 AS x, item.5 AS y,
       count() AS clicks, sum(item.6) AS placed, sum(item.6 * item.7) AS sum_x, sum(item.6 * item.8) AS sum_y
FROM events
ARRAY JOIN arrayConcat(
    [('element', props['selector'], props['tag'], toUInt8(0), toUInt8(0), has_place, ifNull(px, 0), ifNull(py, 0))],
    if(has_place = 1, [('cell', '', '', ifNull(px, 0), ifNull(py, 0), toUInt8(1), ifNull(px, 0), ifNull(py, 0))], [])) AS item`;

const HOUR = 3600;

export async function readHotspots(client: ClickHouseClient, site: SiteEntry, period: StatsPeriod, query: HotspotQuery): Promise<Hotspots> {
  const now = Math.floor(Date.now() / 1000);
  const bounds = boundsOf(site, period, now);
  if (!bounds) throw new Error(`no hotspots for range ${period.range}`);
  const { from, to } = bounds;
  // Whole hours [firstHour, lastHour) from the rollup; the rest of [from, to) from raw events.
  const firstHour = Math.ceil(from / HOUR) * HOUR;
  const lastHour = Math.floor((to ?? now) / HOUR) * HOUR;
  const hours = lastHour > firstHour;
  const params: Record<string, unknown> = { site: site.id, type: UI_CLICK, from, firstHour, lastHour };
  const rollupWhere = ['site = {site:String}', 'hour >= toDateTime({firstHour:UInt32})', 'hour < toDateTime({lastHour:UInt32})'];
  const rawWhere = ['site = {site:String}', 'type = {type:String}'];
  const until = to === undefined ? '' : ' AND ts < toDateTime({to:UInt32})';
  if (to !== undefined) params.to = to;
  rawWhere.push(
    hours
      ? `((ts >= toDateTime({from:UInt32}) AND ts < toDateTime({firstHour:UInt32})) OR (ts >= toDateTime({lastHour:UInt32})${until}))`
      : `ts >= toDateTime({from:UInt32})${until}`,
  );
  if (query.path !== undefined) {
    rollupWhere.push('path = {path:String}');
    rawWhere.push('path = {path:String}');
    params.path = query.path;
  }
  if (query.viewport !== undefined) {
    rollupWhere.push('viewport = {viewport:String}');
    rawWhere.push(`props['viewport'] = {viewport:String}`);
    params.viewport = query.viewport;
  }
  const raw = `${EVENT_ROWS} WHERE ${rawWhere.join(' AND ')} GROUP BY path, viewport, kind, selector, tag, x, y`;
  const rollup = `SELECT path, viewport, kind, selector, tag, x, y, clicks, placed, sum_x, sum_y FROM hotspots_per_hour WHERE ${rollupWhere.join(' AND ')}`;
  const source = `(${hours ? `${rollup} UNION ALL ` : ''}${raw})`;
  const elements = `FROM ${source} WHERE kind = 'element'`;
  const [total, pages, top, cells] = await Promise.all([
    rows<{ clicks: string }>(client, `SELECT sum(clicks) AS clicks ${elements}`, params),
    query.path !== undefined
      ? Promise.resolve([])
      : rows<{ path: string; clicks: string }>(
          client,
          `SELECT path, sum(clicks) AS clicks ${elements} GROUP BY path ORDER BY clicks DESC, path LIMIT ${HOTSPOT_LIST_LIMIT}`,
          params,
        ),
    rows<{ path: string; selector: string; tag: string; clicks: string; x: number | null; y: number | null }>(
      client,
      `SELECT path, selector, any(tag) AS tag, sum(clicks) AS clicks,
              if(sum(placed) = 0, NULL, round(sum(sum_x) / sum(placed))) AS x, if(sum(placed) = 0, NULL, round(sum(sum_y) / sum(placed))) AS y
       ${elements} GROUP BY path, selector ORDER BY clicks DESC, path, selector LIMIT ${HOTSPOT_LIST_LIMIT}`,
      params,
    ),
    query.path === undefined
      ? Promise.resolve([])
      : rows<{ x: number; y: number; clicks: string }>(
          client,
          `SELECT x, y, sum(clicks) AS clicks FROM ${source} WHERE kind = 'cell' GROUP BY x, y ORDER BY x, y`,
          params,
        ),
  ]);
  return {
    site: site.id,
    range: period.range,
    period: { from, to: to ?? null },
    path: query.path ?? null,
    viewport: query.viewport ?? null,
    origins: [...site.origins],
    total_clicks: count(total[0]?.clicks ?? 0),
    pages: pages.map((page) => ({ path: page.path, clicks: count(page.clicks) })),
    elements: top.map((element) => ({
      path: element.path,
      selector: element.selector,
      tag: element.tag,
      clicks: count(element.clicks),
      x: element.x === null ? null : Number(element.x),
      y: element.y === null ? null : Number(element.y),
    })),
    cells: cells.map((cell) => ({ x: Number(cell.x), y: Number(cell.y), clicks: count(cell.clicks) })),
  };
}
