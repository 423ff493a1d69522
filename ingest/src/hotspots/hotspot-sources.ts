/**
 * Which stored rows answer a hotspot read exactly, and cheapest: the rollups for the whole days or
 * hours of the period, raw `ui_click` events for its partial ends.
 *
 * - Every page of every viewport class (the overview): from `hotspot_elements_per_span`
 *   (migrations 0055-0057), whole UTC weeks (from Monday) from week rows, the whole days left
 *   over from day rows, the whole hours left from hour rows, each a contiguous range of its sort
 *   key. The hourly rollup is ordered for one page, so a read of every page from it scanned all
 *   its rows of the month; a week row stands for up to 168 hour rows.
 * - One page, or one viewport class: whole hours from `hotspots_per_hour` (migrations 0040-0042),
 *   ordered by page and viewport class; the partial hours from raw events.
 *
 * Raw events give the rollups' own rows (the SELECT of migration 0042), so every figure is the
 * same whichever source holds it.
 */
import { UI_CLICK } from '../otlp/standard-telemetry.js';

export interface HotspotQuery {
  /** One page's path; absent: every page (pages and elements, no cells). */
  path?: string;
  /** One viewport class; absent: every one. */
  viewport?: string;
}

/** Epoch seconds `[from, to)`; `to` undefined: up to now and on (raw events are read to the end). */
export interface HotspotPeriod {
  from: number;
  to: number | undefined;
  now: number;
}

/** A subquery's SQL and the parameters it binds. */
export interface Source {
  sql: string;
  params: Record<string, unknown>;
}

const HOUR = 3600;
const DAY = 86_400;

/**
 * The spans of hotspot_elements_per_span, finest first: each is read for the whole units inside
 * the next finer one's. Seconds a unit lasts, and where units begin past it (UTC weeks begin on
 * Mondays: the first after the epoch is 1970-01-05).
 */
const SPANS = [
  { span: 'hour', unit: HOUR, offset: 0 },
  { span: 'day', unit: DAY, offset: 0 },
  { span: 'week', unit: 7 * DAY, offset: 4 * DAY },
] as const;

/** The place of a click (whole percent of the document), and whether it has one: as in migration 0042. */
const PLACE = `toUInt8OrNull(props['x']) AS px, toUInt8OrNull(props['y']) AS py,
     toUInt8(px IS NOT NULL AND py IS NOT NULL AND px <= 100 AND py <= 100) AS has_place`;

/** The rollup's element rows made from raw events: migration 0042's element row, grouped without the hour. */
const RAW_ELEMENTS = `WITH ${PLACE}
SELECT path, props['selector'] AS selector, props['tag'] AS tag,
       count() AS clicks, sum(has_place) AS placed, sum(has_place * ifNull(px, 0)) AS sum_x, sum(has_place * ifNull(py, 0)) AS sum_y
FROM events`;

/** The rollup's cell rows made from raw events: migration 0042's cell row, grouped without the hour. */
const RAW_CELLS = `WITH ${PLACE}
SELECT ifNull(px, 0) AS x, ifNull(py, 0) AS y, count() AS clicks
FROM events`;

/** Element rows (path, selector, tag, clicks, placed, sum_x, sum_y) of the period. */
export function elementRows(site: string, period: HotspotPeriod, query: HotspotQuery): Source {
  const everyPage = query.path === undefined && query.viewport === undefined;
  const split = splitAt(period, HOUR);
  const params = paramsOf(site, period, query, split);
  const raw = `${RAW_ELEMENTS} WHERE ${rawWhere(period, query, split).join(' AND ')} GROUP BY path, selector, tag`;
  if (!split.whole) return { sql: raw, params };
  if (!everyPage) {
    const hourly = `SELECT path, selector, tag, clicks, placed, sum_x, sum_y FROM hotspots_per_hour
       WHERE ${[...hourlyWhere(query), "kind = 'element'"].join(' AND ')}`;
    return { sql: `${hourly} UNION ALL ${raw}`, params };
  }
  return { sql: `${spanRows(period, params)} UNION ALL ${raw}`, params };
}

/**
 * The span rows of the whole hours of the period: of each span, the whole units that the next
 * coarser span's whole units leave over at both ends (all of them for the coarsest). A span with
 * no whole unit has its bounds at the end of the finer one's, and covers nothing.
 */
function spanRows(period: HotspotPeriod, params: Record<string, unknown>): string {
  let [low, high] = [period.from, period.to ?? period.now];
  const bounds = SPANS.map(({ unit, offset }) => {
    let first = Math.ceil((low - offset) / unit) * unit + offset;
    let last = Math.floor((high - offset) / unit) * unit + offset;
    if (last <= first) first = last = high;
    [low, high] = [first, last];
    return { first, last };
  });
  const ranges = SPANS.map(({ span }, level) => {
    params[`${span}First`] = bounds[level]!.first;
    params[`${span}Last`] = bounds[level]!.last;
    const between = (first: string, last: string) => `(start >= toDateTime({${first}:UInt32}) AND start < toDateTime({${last}:UInt32}))`;
    const coarser = SPANS[level + 1]?.span;
    const covered = coarser
      ? `(${between(`${span}First`, `${coarser}First`)} OR ${between(`${coarser}Last`, `${span}Last`)})`
      : between(`${span}First`, `${span}Last`);
    return `(span = '${span}' AND ${covered})`;
  });
  return `SELECT path, selector, tag, clicks, placed, sum_x, sum_y FROM hotspot_elements_per_span
     WHERE site = {site:String} AND (${ranges.join(' OR ')})`;
}

/** Cell rows (x, y, clicks) of the period: clicks that carried a place. */
export function cellRows(site: string, period: HotspotPeriod, query: HotspotQuery): Source {
  const split = splitAt(period, HOUR);
  const params = paramsOf(site, period, query, split);
  const where = [...rawWhere(period, query, split), 'has_place = 1'];
  const raw = `${RAW_CELLS} WHERE ${where.join(' AND ')} GROUP BY x, y`;
  if (!split.whole) return { sql: raw, params };
  const rollup = `SELECT x, y, clicks FROM hotspots_per_hour WHERE ${[...hourlyWhere(query), "kind = 'cell'"].join(' AND ')}`;
  return { sql: `${rollup} UNION ALL ${raw}`, params };
}

/** The whole units `[first, last)` inside the period; `whole` false when there is none. */
interface Split {
  first: number;
  last: number;
  whole: boolean;
}

function splitAt(period: HotspotPeriod, unit: number): Split {
  const first = Math.ceil(period.from / unit) * unit;
  const last = Math.floor((period.to ?? period.now) / unit) * unit;
  return { first, last, whole: last > first };
}

function paramsOf(site: string, period: HotspotPeriod, query: HotspotQuery, split: Split): Record<string, unknown> {
  const params: Record<string, unknown> = { site, type: UI_CLICK, from: period.from, first: split.first, last: split.last };
  if (period.to !== undefined) params.to = period.to;
  if (query.path !== undefined) params.path = query.path;
  if (query.viewport !== undefined) params.viewport = query.viewport;
  return params;
}

function hourlyWhere(query: HotspotQuery): string[] {
  const where = ['site = {site:String}', 'hour >= toDateTime({first:UInt32})', 'hour < toDateTime({last:UInt32})'];
  if (query.path !== undefined) where.push('path = {path:String}');
  if (query.viewport !== undefined) where.push('viewport = {viewport:String}');
  return where;
}

/** Raw events of the period outside the whole units: its partial ends (all of it when it holds no whole unit). */
function rawWhere(period: HotspotPeriod, query: HotspotQuery, split: Split): string[] {
  const until = period.to === undefined ? '' : ' AND ts < toDateTime64({to:UInt32}, 3)';
  const where = [
    'site = {site:String}',
    'type = {type:String}',
    split.whole
      ? `((ts >= toDateTime64({from:UInt32}, 3) AND ts < toDateTime64({first:UInt32}, 3)) OR (ts >= toDateTime64({last:UInt32}, 3)${until}))`
      : `ts >= toDateTime64({from:UInt32}, 3)${until}`,
  ];
  if (query.path !== undefined) where.push('path = {path:String}');
  if (query.viewport !== undefined) where.push(`props['viewport'] = {viewport:String}`);
  return where;
}
