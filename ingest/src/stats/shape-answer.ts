/** The shapers: rows of each part's query (build-sql.ts) as the fields of the answer. */
import type { SiteEntry } from '../catalog/catalog.js';
import { DIMENSION_NAMES, DIMENSIONS, type BreakdownRow, type Dimension, type PageViewsBy, type Ranked } from './dimensions.js';
import { METRIC_NAMES, type Headline, type TimePoint } from './metrics.js';
import type { Query } from './parse-query.js';
import { count } from './run-query.js';
import { stepStarts } from './steps.js';

export interface OverTimeRow {
  current: number | null;
  time: string | null;
  [metric: string]: string | number | null;
}

export function headlineOf(row: Record<string, unknown> | undefined): Headline {
  return Object.fromEntries(METRIC_NAMES.map((name) => [name, count(row?.[name] as string | undefined)])) as Headline;
}

/**
 * Both periods' headline figures, and a point for every step of each period, empty ones as zero:
 * the compared period's steps in its own times, its n-th step beside the current period's n-th.
 */
export function shapeOverTime(
  query: Query,
  found: readonly OverTimeRow[],
): { current: Headline; previous: Headline; timeseries: TimePoint[]; previousTimeseries: TimePoint[] } {
  const totals = found.filter((row) => row.time === null);
  const points = (current: number) =>
    new Map(found.filter((row) => row.time !== null && Number(row.current) === current).map((row) => [Number(row.time), row]));
  // A quiet step is a zero, not a straight line.
  const series = (from: number, last: number, byTime: Map<number, OverTimeRow>) =>
    stepStarts(from, last, query.step, query.timeZone).map((time) => ({ time, ...headlineOf(byTime.get(time)) }));
  // A period that runs past now (this month, today) is drawn up to now: its later steps have not happened, they are not zeros.
  const last = query.current.to === undefined ? query.now : Math.min(query.current.to - 1, query.now);
  return {
    current: headlineOf(totals.find((row) => Number(row.current) === 1)),
    previous: headlineOf(totals.find((row) => Number(row.current) === 0)),
    timeseries: series(query.current.from, last, points(1)),
    previousTimeseries: series(query.previous.from, query.previous.to - 1, points(0)),
  };
}

/**
 * Every list's rows, each with its `change` against the compared period: of the figure it is
 * ranked by (views for pages and steps, visitors for the rest), as a fraction; null when the
 * compared period had none.
 */
export function shapeBreakdowns(found: readonly BreakdownRow[]): PageViewsBy {
  return Object.fromEntries(
    DIMENSION_NAMES.map((name) => {
      const dimension: Dimension = DIMENSIONS[name];
      return [
        dimension.field,
        found
          .filter((row) => row.dimension === name)
          .map((row) => {
            const [now, previous] = dimension.byViews ? [row.views, row.previous_views] : [row.visitors, row.previous_visitors];
            return { ...dimension.shape(row), change: changeOf(count(now), count(previous)) };
          }),
      ];
    }),
  ) as unknown as PageViewsBy;
}

/** A figure's change against the compared period's, as a fraction; null when that had none. */
const changeOf = (now: number, previous: number) => (previous === 0 ? null : (now - previous) / previous);

export interface Visits {
  /** Each with its change of visits against the compared period, as the other ranked lists (null when it had none). */
  entry_pages: Array<Ranked<{ path: string; visits: number }>>;
  exit_pages: Array<Ranked<{ path: string; visits: number }>>;
  /** Visits with at most one page view and no room entry. */
  bounce_rate: number;
  /** Mean time from a visit's first event to its last, in seconds. */
  visit_duration_s: number;
}

export interface VisitRow {
  kind: string;
  path: string;
  n: string;
  bounces: string;
  duration_ms: string;
  /** The same over the compared period (build-sql.ts's visitsSql reads both). */
  previous_n: string;
  previous_bounces: string;
  previous_duration_ms: string;
}

/** Bounce rate and mean visit duration of `visits` visits. */
function visitRates(visits: number, bounces: number, durationMs: number): Pick<Visits, 'bounce_rate' | 'visit_duration_s'> {
  return {
    bounce_rate: visits === 0 ? 0 : bounces / visits,
    visit_duration_s: visits === 0 ? 0 : durationMs / visits / 1000,
  };
}

/**
 * The visits' figures, each entry and exit page's change of visits as a fraction, and the
 * compared period's bounce rate and visit duration (`previous`).
 */
export function shapeVisits(found: readonly VisitRow[]): Visits & { previous: Pick<Visits, 'bounce_rate' | 'visit_duration_s'> } {
  const ranked = (kind: string) =>
    found
      .filter((row) => row.kind === kind)
      .map((row) => ({ path: row.path, visits: count(row.n), change: changeOf(count(row.n), count(row.previous_n)) }));
  const visit = found.find((row) => row.kind === 'visit');
  return {
    entry_pages: ranked('entry'),
    exit_pages: ranked('exit'),
    ...visitRates(count(visit?.n), count(visit?.bounces), count(visit?.duration_ms)),
    previous: visitRates(count(visit?.previous_n), count(visit?.previous_bounces), count(visit?.previous_duration_ms)),
  };
}

export interface ObjectRow {
  object: string;
  /** The catalog's label (the id when it gives none), as for every object and room below. */
  label: string;
  room: string;
  room_label: string;
  views: number;
  clicks: number;
  /** Clicks per view; null when the object was never seen (nothing to divide by). */
  click_rate: number | null;
}

export interface Room {
  /** Every object of the catalog, most clicked first, then most viewed. */
  objects: ObjectRow[];
  /** Objects with a click, most first (the shape `/api/stats` has always had). */
  top_objects: Array<{ object: string; label: string; clicks: number }>;
  /** Catalog objects without a click in the range. */
  never_clicked: string[];
  /** Of those, the ones visitors saw: the answer the owner wants most. */
  seen_never_clicked: string[];
  /** The catalog's labels of the site's objects and rooms, by id: for the lists of ids above. */
  labels: { objects: Record<string, string>; rooms: Record<string, string> };
}

export interface CountRow {
  type: string;
  object: string;
  events: string;
}

/** The room's views and clicks of every catalog object, and every type's total for `events_by_type`. */
export function shapeCounts(site: SiteEntry, found: readonly CountRow[]): Room & { events_by_type: Record<string, number> } {
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
      const room = site.objectRooms.get(object) ?? '';
      return {
        object,
        label: site.objectLabels.get(object) ?? object,
        room,
        room_label: site.roomLabels.get(room) ?? room,
        views,
        clicks,
        click_rate: views > 0 ? clicks / views : null,
      };
    })
    .sort((a, b) => b.clicks - a.clicks || b.views - a.views || a.object.localeCompare(b.object));
  const neverClicked = site.objects.filter((object) => !(stored.get(object)?.clicks ?? 0));
  return {
    events_by_type: eventsByType,
    objects,
    top_objects: objects.filter((row) => row.clicks > 0).map((row) => ({ object: row.object, label: row.label, clicks: row.clicks })),
    never_clicked: neverClicked,
    seen_never_clicked: neverClicked.filter((object) => (stored.get(object)?.views ?? 0) > 0),
    labels: { objects: Object.fromEntries(site.objectLabels), rooms: Object.fromEntries(site.roomLabels) },
  };
}
