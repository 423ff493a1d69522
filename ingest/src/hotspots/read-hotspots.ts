/**
 * The hotspots of a site's pages for a period: the most clicked elements, and for one page the
 * clicks per cell of 1 % of the document. The rows come from the rollups for the whole days or
 * hours of the period and from raw `ui_click` events for its partial ends (hotspot-sources.ts), so
 * any period is exact. A viewport class keeps layouts apart; clicks of the OpenTelemetry browser
 * instrumentation carry no viewport class and no share of the document (`viewport` '': they count
 * among the elements, never in cells).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteEntry } from '../catalog/catalog.js';
import { count, rows } from '../stats/run-query.js';
import { boundsOf, type StatsPeriod } from '../stats/summary-period.js';
import { cellRows, elementRows, type HotspotQuery } from './hotspot-sources.js';

export type { HotspotQuery };

/** Rows of each ranked list. */
export const HOTSPOT_LIST_LIMIT = 20;

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

/** A row of the elements' query: an element, a page or the total, told apart by `level`. */
interface ListedRow {
  level: number;
  path: string;
  selector: string;
  tag: string;
  clicks: string;
  x: number | null;
  y: number | null;
}

/** `grouping(path, selector)` of each grouping set of the elements' query: which list a row belongs to. */
const ELEMENT = 0;
const PAGE = 1;
const TOTAL = 3;

export async function readHotspots(client: ClickHouseClient, site: SiteEntry, period: StatsPeriod, query: HotspotQuery): Promise<Hotspots> {
  const now = Math.floor(Date.now() / 1000);
  const bounds = boundsOf(site, period, now);
  if (!bounds) throw new Error(`no hotspots for range ${period.range}`);
  const { from, to } = bounds;
  const elements = elementRows(site.id, { from, to, now }, query);
  // The total, the pages and the elements in one scan of the rows, not one statement each.
  const listed = await rows<ListedRow>(
    client,
    `SELECT grouping(path, selector) AS level, path, selector, any(tag) AS tag, sum(clicks) AS clicks,
            if(sum(placed) = 0, NULL, round(sum(sum_x) / sum(placed))) AS x, if(sum(placed) = 0, NULL, round(sum(sum_y) / sum(placed))) AS y
     FROM (${elements.sql})
     GROUP BY GROUPING SETS ((path, selector), (path), ())
     ORDER BY level, clicks DESC, path, selector
     LIMIT ${HOTSPOT_LIST_LIMIT} BY level`,
    elements.params,
  );
  const cellSource = query.path === undefined ? undefined : cellRows(site.id, { from, to, now }, query);
  const cells = cellSource
    ? await rows<{ x: number; y: number; clicks: string }>(
        client,
        `SELECT x, y, sum(clicks) AS clicks FROM (${cellSource.sql}) GROUP BY x, y ORDER BY x, y`,
        cellSource.params,
      )
    : [];
  const total = listed.find((row) => Number(row.level) === TOTAL);
  const pages = query.path === undefined ? listed.filter((row) => Number(row.level) === PAGE) : [];
  const top = listed.filter((row) => Number(row.level) === ELEMENT);
  return {
    site: site.id,
    range: period.range,
    period: { from, to: to ?? null },
    path: query.path ?? null,
    viewport: query.viewport ?? null,
    origins: [...site.origins],
    total_clicks: count(total?.clicks ?? 0),
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
