/**
 * The hotspots of a site's pages for a period, read from raw `ui_click` events (exact for any
 * period; the events table's sort key, site then type then time, makes this a read of the
 * period's clicks of one site and nothing else): the most clicked elements, and for one page the
 * clicks per cell of 1 % of the document. A viewport class keeps layouts apart; clicks of the
 * OpenTelemetry browser instrumentation carry no viewport class and no share of the document
 * (`viewport` '': they count among the elements, never in cells).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteEntry } from '../catalog/catalog.js';
import { UI_CLICK } from '../otlp/standard-telemetry.js';
import { count, rows } from '../stats/run-query.js';
import type { StatsPeriod } from '../stats/stats-feed.js';
import { boundsOf } from '../stats/summary-period.js';

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
  total_clicks: number;
  pages: Array<{ path: string; clicks: number }>;
  elements: HotspotElement[];
  /** Clicks per cell (x, y in whole percent); only for one page. */
  cells: Array<{ x: number; y: number; clicks: number }>;
}

export async function readHotspots(client: ClickHouseClient, site: SiteEntry, period: StatsPeriod, query: HotspotQuery): Promise<Hotspots> {
  const now = Math.floor(Date.now() / 1000);
  const bounds = boundsOf(site, period, now);
  if (!bounds) throw new Error(`no hotspots for range ${period.range}`);
  const params: Record<string, unknown> = { site: site.id, type: UI_CLICK, from: bounds.from };
  const where = ['site = {site:String}', 'type = {type:String}', 'ts >= toDateTime({from:UInt32})'];
  if (bounds.to !== undefined) {
    where.push('ts < toDateTime({to:UInt32})');
    params.to = bounds.to;
  }
  if (query.path !== undefined) {
    where.push('path = {path:String}');
    params.path = query.path;
  }
  if (query.viewport !== undefined) {
    where.push(`props['viewport'] = {viewport:String}`);
    params.viewport = query.viewport;
  }
  const clicks = `FROM events WHERE ${where.join(' AND ')}`;
  const place = (axis: 'x' | 'y') => `toUInt8OrNull(props['${axis}'])`;
  const [total, pages, elements, cells] = await Promise.all([
    rows<{ clicks: string }>(client, `SELECT count() AS clicks ${clicks}`, params),
    rows<{ path: string; clicks: string }>(
      client,
      `SELECT path, count() AS clicks ${clicks} GROUP BY path ORDER BY clicks DESC, path LIMIT ${HOTSPOT_LIST_LIMIT}`,
      params,
    ),
    rows<{ path: string; selector: string; tag: string; clicks: string; x: number | null; y: number | null }>(
      client,
      `SELECT path, props['selector'] AS selector, any(props['tag']) AS tag, count() AS clicks,
              round(avgOrNull(${place('x')})) AS x, round(avgOrNull(${place('y')})) AS y
       ${clicks} GROUP BY path, selector ORDER BY clicks DESC, path, selector LIMIT ${HOTSPOT_LIST_LIMIT}`,
      params,
    ),
    query.path === undefined
      ? Promise.resolve([])
      : rows<{ x: number; y: number; clicks: string }>(
          client,
          `SELECT ${place('x')} AS x, ${place('y')} AS y, count() AS clicks
           ${clicks} AND x IS NOT NULL AND y IS NOT NULL AND x <= 100 AND y <= 100 GROUP BY x, y ORDER BY x, y`,
          params,
        ),
  ]);
  return {
    site: site.id,
    range: period.range,
    period: { from: bounds.from, to: bounds.to ?? null },
    path: query.path ?? null,
    viewport: query.viewport ?? null,
    total_clicks: count(total[0]?.clicks ?? 0),
    pages: query.path === undefined ? pages.map((page) => ({ path: page.path, clicks: count(page.clicks) })) : [],
    elements: elements.map((element) => ({
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
