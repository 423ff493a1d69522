// What every ClickHouse panel must show for the seeded traffic, worked out in TypeScript from
// what the seed sent (never from ClickHouse), one function per panel. A panel whose SQL counts
// wrong (a filter dropped, a value multiplied, a wrong column) disagrees with its function here.
import type { Catalog, CatalogGoal } from '../../src/catalog.js';
import { catalogObjects } from '../../src/catalog.js';
import { DEFAULT_FUNNEL, NO_STEP } from '../../src/dashboards/funnel.js';
import type { StoredAlert } from '../../../ingest/src/alerts/alert-store.js';
import { HOTSPOTS_PER_PAGE } from '../../src/dashboards/hotspots.js';
import { NEXT_STEPS } from '../../src/dashboards/engagement-path.js';
import type { SentEvent, SentSpan, SentVital } from './seed-traffic.js';
import { VITAL_BOUNDS } from './seed-traffic.js';

export type Row = Record<string, string | number>;

export interface SeedFacts {
  events: SentEvent[];
  spans: SentSpan[];
  vitals: SentVital[];
  catalog: Catalog;
  /** The time the query runs, in ms: the "last 5 minutes" panels count back from it. */
  nowMs: number;
  /** The panel interval of the time-series buckets. */
  intervalMs: number;
  /** The dashboard's time range, in ms. */
  range: { from: number; to: number };
  /** Every write of the service's alert store, in order. */
  alerts: StoredAlert[];
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The start of the bucket of `ms` (buckets are whole seconds from the epoch, as toStartOfInterval makes them). */
const bucketOf = (ms: number, sizeMs: number): number => Math.floor(ms / sizeMs) * sizeMs;

/** ClickHouse's `quantile`: all values kept (fewer than its 8192 samples), linear interpolation between neighbours. */
export function clickhouseQuantile(level: number, values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.max(0, Math.min(sorted.length - 1, level * (sorted.length - 1)));
  const left = Math.floor(index);
  if (left + 1 === sorted.length) return sorted[left]!;
  return sorted[left]! * (left + 1 - index) + sorted[left + 1]! * (index - left);
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

const distinct = (values: Iterable<string>): number => new Set(values).size;
/** Text in ClickHouse's order (bytes), not the locale's. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Events that follow a click by themselves: no next action (as /api/stats' engagement leaves them out). */
const NOT_ACTIONS = ['object_view', 'time_spent', 'room_enter', 'room_exit'];

/** A goal's pattern as a whole-string match, `*` standing for any characters and nothing else special. */
const globMatches = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  ).test(value);

/** Whether a sent event reaches a goal, by the catalog's words for each kind of goal (docs/catalog.md). */
function reachesGoal(event: SentEvent, goal: CatalogGoal): boolean {
  // Links are stored without their query and fragment.
  const url = event.to.replace(/[?#].*$/, '');
  if (goal.page !== undefined) return event.type === 'page_view' && globMatches(goal.page, event.path);
  if (goal.object !== undefined) return event.type === 'object_click' && event.object === goal.object;
  if (goal.outbound !== undefined) return event.type === 'outbound' && globMatches(goal.outbound, url);
  if (goal.download !== undefined) return event.type === 'download' && globMatches(goal.download, url);
  return event.type === goal.event && Object.entries(goal.props ?? {}).every(([key, value]) => event.props[key] === value);
}
/** The ingest service's own spans (self-telemetry), as the Pipeline dashboard reads them. */
const ownSpans = (f: SeedFacts) => f.spans.filter((span) => span.service === 'footfall-ingest');
const ofType = (events: readonly SentEvent[], type: string) => events.filter((event) => event.type === type);

/** Events of the last 5 minutes by their minute (the rollup's `minute >= now() - 5 minutes`). */
const lastFiveMinutesByMinute = (f: SeedFacts) => {
  const since = Math.floor(f.nowMs / 1000) * 1000 - 5 * MINUTE_MS;
  return f.events.filter((event) => bucketOf(event.ts, MINUTE_MS) >= since);
};

const pageViews = (f: SeedFacts) => ofType(f.events, 'page_view');

/** Visitors by one property of their page views, unknown ('') values left out. */
function visitorsBy(f: SeedFacts, column: 'country' | 'device' | 'browser'): Row[] {
  const known = pageViews(f).filter((event) => event[column] !== '');
  return [...groupBy(known, (event) => event[column])].map(([value, list]) => ({
    [column]: value,
    visitors: distinct(list.map((event) => event.visitor)),
  }));
}

/** Page views that name another page before them: the steps between pages. */
const stepsBetweenPages = (f: SeedFacts) => pageViews(f).filter((event) => event.from !== '' && event.from !== event.path);

/** What a funnel step's target is compared with, by event type. */
function targetOf(event: SentEvent): string {
  if (event.type === 'room_enter' || event.type === 'room_exit') return event.room;
  if (event.type === 'object_view' || event.type === 'object_click') return event.object;
  if (event.type === 'navigation') return event.to;
  return event.path;
}

/**
 * Visits that did the steps in order (up to the first `none`), each step counting the visits that
 * reached at least it: each visit's events walked in time order, every step taken at its first
 * match after the one before (the earliest match never reaches fewer steps).
 */
export function funnelOf(events: readonly SentEvent[], chosen: readonly string[]): Row[] {
  const steps = chosen.slice(0, chosen.includes(NO_STEP) ? chosen.indexOf(NO_STEP) : chosen.length);
  const matches = (event: SentEvent, step: string) => event.type === step || `${event.type}:${targetOf(event)}` === step;
  const reached = new Array<number>(steps.length).fill(0);
  for (const list of groupBy(events, (event) => event.session).values()) {
    let level = 0;
    for (const event of [...list].sort((a, b) => a.ts - b.ts)) if (level < steps.length && matches(event, steps[level]!)) level += 1;
    for (let step = 0; step < level; step++) reached[step]! += 1;
  }
  return steps.map((step, index) => ({ step: `${index + 1}. ${step}`, sessions: reached[index]! }));
}

/** The visible time of every page view of a session, entry and exit pages. */
function sessionEdges(f: SeedFacts, pick: 'first' | 'last'): Row[] {
  const bySession = groupBy(ofType(f.events, 'page_view'), (event) => event.session);
  const pages: string[] = [];
  for (const views of bySession.values()) {
    const sorted = [...views].sort((a, b) => a.ts - b.ts);
    pages.push((pick === 'first' ? sorted[0] : sorted.at(-1))!.path);
  }
  const column = pick === 'first' ? 'entry_page' : 'exit_page';
  return [...groupBy(pages, (page) => page)].map(([page, list]) => ({ [column]: page, sessions: list.length }));
}

/** p75 of a histogram as the panel reads it: the upper bound of the bucket where the running count passes 75 %. */
function histogramP75(samples: readonly number[]): number {
  const counts = new Array<number>(VITAL_BOUNDS.length + 1).fill(0);
  for (const value of samples) {
    const bucket = VITAL_BOUNDS.findIndex((bound) => value <= bound);
    counts[bucket === -1 ? VITAL_BOUNDS.length : bucket]! += 1;
  }
  let running = 0;
  for (const [index, count] of counts.entries()) {
    running += count;
    if (running >= 0.75 * samples.length) return VITAL_BOUNDS[Math.min(index, VITAL_BOUNDS.length - 1)]!;
  }
  return 0;
}

const spanRow = (span: SentSpan) => ({ time: span.startMs, duration_ms: span.durationMs });

/** Expected rows by panel title; a title used twice on one dashboard is told apart by `#2`. */
export const PANEL_ANSWERS: Record<string, (f: SeedFacts) => Row[]> = {
  // Visitors
  'Active visitors': (f) => {
    const since = Math.floor(f.nowMs / 1000) * 1000 - 5 * MINUTE_MS;
    return [{ visitors: distinct(f.events.filter((event) => event.ts >= since).map((event) => event.visitor)) }];
  },
  Events: (f) => [{ events: lastFiveMinutesByMinute(f).length }],
  'Room entries': (f) => [{ room_entries: ofType(lastFiveMinutesByMinute(f), 'room_enter').length }],
  Visitors: (f) => [{ visitors: distinct(f.events.map((event) => event.visitor)) }],
  'Page views': (f) => [{ page_views: ofType(f.events, 'page_view').length }],
  'Room entries#2': (f) => [{ room_entries: ofType(f.events, 'room_enter').length }],
  'Visitors who enter the room': (f) => [
    {
      room_share:
        distinct(ofType(f.events, 'room_enter').map((event) => event.visitor)) /
        Math.max(1, distinct(f.events.map((event) => event.visitor))),
    },
  ],
  'Events by type': (f) =>
    [...groupBy(f.events, (event) => `${bucketOf(event.ts, f.intervalMs)}|${event.type}`).values()].map((list) => ({
      time: bucketOf(list[0]!.ts, f.intervalMs),
      type: list[0]!.type,
      events: list.length,
    })),
  'Visitors and sessions': (f) =>
    [...groupBy(f.events, (event) => String(bucketOf(event.ts, f.intervalMs))).entries()].map(([time, list]) => ({
      time: Number(time),
      visitors: distinct(list.map((event) => event.visitor)),
      sessions: distinct(list.map((event) => event.session)),
    })),
  'Top pages': (f) =>
    [...groupBy(ofType(f.events, 'page_view'), (event) => event.path)].map(([path, list]) => ({ path, page_views: list.length })),
  Sources: (f) =>
    [
      ...groupBy(
        pageViews(f).filter((event) => event.referrerHost !== ''),
        (event) => event.referrerHost,
      ),
    ].map(([source, list]) => ({
      source,
      visitors: distinct(list.map((event) => event.visitor)),
      page_views: list.length,
    })),
  Campaigns: (f) =>
    [
      ...groupBy(
        pageViews(f).filter((event) => event.utmSource !== '' || event.utmMedium !== '' || event.utmCampaign !== ''),
        (event) => `${event.utmSource}|${event.utmMedium}|${event.utmCampaign}`,
      ).values(),
    ].map((list) => ({
      source: list[0]!.utmSource,
      medium: list[0]!.utmMedium,
      campaign: list[0]!.utmCampaign,
      visitors: distinct(list.map((event) => event.visitor)),
      page_views: list.length,
    })),
  Countries: (f) => visitorsBy(f, 'country'),
  Devices: (f) => visitorsBy(f, 'device'),
  Browsers: (f) => visitorsBy(f, 'browser'),

  // The room
  'Object clicks': (f) =>
    [...groupBy(ofType(f.events, 'object_click'), (event) => `${bucketOf(event.ts, f.intervalMs)}|${event.object}`).values()].map(
      (list) => ({
        time: bucketOf(list[0]!.ts, f.intervalMs),
        object: list[0]!.object,
        clicks: list.length,
      }),
    ),
  'Top objects': (f) =>
    [...groupBy(ofType(f.events, 'object_click'), (event) => event.object)].map(([object, list]) => ({ object, clicks: list.length })),
  'Least clicked objects': (f) =>
    catalogObjects(f.catalog).map((object) => {
      const clicks = ofType(f.events, 'object_click').filter((event) => event.object === object.id).length;
      const views = ofType(f.events, 'object_view').filter((event) => event.object === object.id).length;
      return { object: object.id, label: object.label, clicks, views, clicks_per_view: clicks / Math.max(views, 1) };
    }),
  'Clicks per object per hour': (f) =>
    [...groupBy(ofType(f.events, 'object_click'), (event) => `${bucketOf(event.ts, HOUR_MS)}|${event.object}`).values()].map((list) => ({
      time: bucketOf(list[0]!.ts, HOUR_MS),
      object: list[0]!.object,
      clicks: list.length,
    })),
  'Time spent in the room': (f) =>
    [
      ...groupBy(
        ofType(f.events, 'time_spent').filter((event) => event.room !== ''),
        (event) => String(bucketOf(event.ts, f.intervalMs)),
      ),
    ].map(([time, list]) => {
      const durations = list.map((event) => event.durationMs);
      return { time: Number(time), median: clickhouseQuantile(0.5, durations), p90: clickhouseQuantile(0.9, durations) };
    }),
  'Where visitors go after the room': (f) => {
    const next: string[] = [];
    const relevant = f.events.filter((event) => event.type === 'room_exit' || event.type === 'page_view');
    for (const list of groupBy(relevant, (event) => event.session).values()) {
      const sorted = [...list].sort((a, b) => a.ts - b.ts);
      sorted.forEach((event, index) => {
        if (event.type === 'room_exit') next.push(sorted[index + 1]?.path ?? '(left the site)');
      });
    }
    return [...groupBy(next, (page) => page)].map(([next_page, list]) => ({ next_page, exits: list.length }));
  },

  // Navigation
  Flows: (f) =>
    [...groupBy(stepsBetweenPages(f), (event) => `${event.from}|${event.path}`).values()].map((list) => ({
      from_page: list[0]!.from,
      to_page: list[0]!.path,
      steps: list.length,
      sessions: distinct(list.map((event) => event.session)),
    })),
  'Entry pages': (f) => sessionEdges(f, 'first'),
  'Exit pages': (f) => sessionEdges(f, 'last'),
  'Time on page': (f) =>
    [...groupBy(ofType(f.events, 'time_spent'), (event) => event.path)].map(([path, list]) => {
      const durations = list.map((event) => event.durationMs);
      return { path, visits: list.length, median_ms: clickhouseQuantile(0.5, durations), p90_ms: clickhouseQuantile(0.9, durations) };
    }),
  'Scroll depth and time on page': (f) => {
    const visits = [...groupBy(ofType(f.events, 'time_spent'), (event) => `${event.session} ${event.path}`)].map(([, list]) => ({
      path: list[0]!.path,
      depth: Math.max(...list.map((event) => event.scrollDepth)),
      engaged: list.reduce((sum, event) => sum + event.durationMs, 0),
    }));
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    return [...groupBy(visits, (visit) => visit.path)].map(([path, list]) => {
      const measured = list.filter((visit) => visit.depth > 0).map((visit) => visit.depth);
      // The seed gives most visits a depth; a page without one would be null in SQL.
      if (measured.length === 0 || measured.length === list.length)
        throw new Error(`the seed should measure some depths of ${path}, not all`);
      return {
        path,
        visits: list.length,
        scroll_depth: mean(measured),
        time_on_page_ms: mean(list.map((visit) => visit.engaged)),
      };
    });
  },
  "The service's traffic alerts": (f) => {
    const newest = new Map(f.alerts.map((alert) => [`${alert.rule} ${alert.site} ${alert.startedAt}`, alert]));
    const within = (ms: number | undefined) => ms !== undefined && ms >= f.range.from && ms <= f.range.to;
    return [...newest.values()]
      .filter(
        (alert) => alert.site === 'portfolio' && (alert.resolvedAt === undefined || within(alert.resolvedAt) || within(alert.startedAt)),
      )
      .map((alert) => ({
        state: alert.resolvedAt === undefined ? 'firing' : 'resolved',
        rule: alert.rule,
        started_at: alert.startedAt,
        resolved_at: alert.resolvedAt ?? Number.NaN,
        observed: alert.observed,
        expected: alert.expected,
        notified: alert.notified,
      }));
  },
  'Most clicked elements': (f) =>
    [...groupBy(ofType(f.events, 'ui_click'), (event) => event.path)].flatMap(([path, clicks]) =>
      [...groupBy(clicks, (event) => event.props.selector!)]
        .map(([, list]) => ({
          path,
          selector: list[0]!.props.selector!,
          tag: list[0]!.props.tag!,
          clicks: list.length,
          mean_x: list.reduce((sum, event) => sum + Number(event.props.x), 0) / list.length,
          mean_y: list.reduce((sum, event) => sum + Number(event.props.y), 0) / list.length,
        }))
        .sort((a, b) => b.clicks - a.clicks || compareText(a.selector, b.selector))
        .slice(0, HOTSPOTS_PER_PAGE),
    ),
  'Engagement path': (f) => {
    const goals = f.catalog.sites[0]!.goals ?? [];
    const nextOf = (event: SentEvent | undefined): string => {
      if (event === undefined) return 'left';
      const goal = goals.find((candidate) => reachesGoal(event, candidate));
      if (goal) return `goal: ${goal.name}`;
      if (event.type === 'page_view') return `page: ${event.path}`;
      if (event.type === 'navigation') return `page: ${event.to || event.path}`;
      if (event.type === 'object_click') return `object: ${event.object}`;
      return `${event.type}: ${event.to.replace(/[?#].*$/, '') || event.path}`;
    };
    const followedBy: Array<{ object: string; next: string }> = [];
    for (const list of groupBy(f.events, (event) => event.session).values()) {
      const actions = list.filter((event) => !NOT_ACTIONS.includes(event.type)).sort((a, b) => a.ts - b.ts);
      actions.forEach((event, index) => {
        if (event.type === 'object_click') followedBy.push({ object: event.object, next: nextOf(actions[index + 1]) });
      });
    }
    return catalogObjects(f.catalog).flatMap((object) => {
      const ofObject = f.events.filter((event) => event.object === object.id);
      const figures = {
        object: object.id,
        label: object.label,
        seen_visitors: distinct(ofType(ofObject, 'object_view').map((event) => event.visitor)),
        clicked_visitors: distinct(ofType(ofObject, 'object_click').map((event) => event.visitor)),
        clicks: ofType(ofObject, 'object_click').length,
      };
      const steps = [
        ...groupBy(
          followedBy.filter((step) => step.object === object.id),
          (step) => step.next,
        ),
      ]
        .map(([next, list]) => ({ next, next_clicks: list.length }))
        .sort((a, b) => b.next_clicks - a.next_clicks || compareText(a.next, b.next))
        .slice(0, NEXT_STEPS);
      return steps.length === 0 ? [{ ...figures, next: '', next_clicks: 0 }] : steps.map((step) => ({ ...figures, ...step }));
    });
  },
  Goals: (f) => {
    const allVisitors = distinct(f.events.map((event) => event.visitor));
    return (f.catalog.sites[0]!.goals ?? []).map((goal) => {
      const reached = f.events.filter((event) => reachesGoal(event, goal));
      const target = (['page', 'object', 'outbound', 'download', 'event'] as const).find((field) => goal[field] !== undefined)!;
      const visitors = distinct(reached.map((event) => event.visitor));
      return {
        goal: goal.name,
        target: [`${target} ${goal[target]}`, ...Object.entries(goal.props ?? {}).map(([key, value]) => `${key}=${value}`)].join(' '),
        visitors,
        conversion_rate: visitors / allVisitors,
        events: reached.length,
      };
    });
  },
  'Outbound links and downloads': (f) =>
    [
      ...groupBy(
        f.events.filter((event) => event.type === 'outbound' || event.type === 'download'),
        (event) => `${event.type} ${event.to.replace(/[?#].*$/, '')}`,
      ),
    ].map(([key, list]) => ({
      kind: list[0]!.type,
      url: key.slice(key.indexOf(' ') + 1),
      visitors: distinct(list.map((event) => event.visitor)),
      clicks: list.length,
    })),
  'Steps between pages': (f) =>
    [...groupBy(stepsBetweenPages(f), (event) => String(bucketOf(event.ts, f.intervalMs)))].map(([time, list]) => ({
      time: Number(time),
      steps: list.length,
    })),
  Funnel: (f) => funnelOf(f.events, DEFAULT_FUNNEL),

  // Performance
  'Web vitals at p75 by page': (f) =>
    [...groupBy(f.vitals, (vital) => vital.path)].map(([path, list]) => {
      const p75 = (name: string) => histogramP75(list.find((vital) => vital.name === `portfolio.web_vital.${name}`)?.samples ?? []);
      return {
        path,
        lcp: p75('lcp'),
        inp: p75('inp'),
        cls: p75('cls'),
        fcp: p75('fcp'),
        ttfb: p75('ttfb'),
        samples: list.reduce((sum, vital) => sum + vital.samples.length, 0),
      };
    }),
  'Document load': (f) =>
    [
      ...groupBy(
        f.spans.filter((span) => span.name === 'documentLoad'),
        (span) => String(bucketOf(span.startMs, f.intervalMs)),
      ),
    ].map(([time, list]) => {
      const durations = list.map((span) => span.durationMs * 1e6);
      return {
        time: Number(time),
        p50: clickhouseQuantile(0.5, durations) / 1e6,
        p75: clickhouseQuantile(0.75, durations) / 1e6,
        p95: clickhouseQuantile(0.95, durations) / 1e6,
      };
    }),
  // The 20 slowest, and any fetch as slow as the 20th: which of equals ClickHouse picks is open.
  'Slowest fetches': (f) => {
    const fetches = f.spans.filter((span) => span.name === 'resourceFetch').sort((a, b) => b.durationMs - a.durationMs);
    const twentieth = fetches[Math.min(19, fetches.length - 1)]?.durationMs ?? 0;
    return fetches
      .filter((span) => span.durationMs >= twentieth)
      .map((span) => ({ ...spanRow(span), span: 'resourceFetch', url: span.url, trace_id: span.traceId }));
  },
  'Latency by stage (p95, own spans)': (f) =>
    [...groupBy(ownSpans(f), (span) => `${bucketOf(span.startMs, f.intervalMs)}|${span.name}`).values()].map((list) => ({
      time: bucketOf(list[0]!.startMs, f.intervalMs),
      SpanName: list[0]!.name,
      p95:
        clickhouseQuantile(
          0.95,
          list.map((span) => span.durationMs * 1e6),
        ) / 1e6,
    })),
  'Where the time goes (own spans)': (f) =>
    [...groupBy(ownSpans(f), (span) => span.name)].map(([stage, list]) => {
      const durations = list.map((span) => span.durationMs * 1e6);
      return {
        stage,
        spans: list.length,
        p50: clickhouseQuantile(0.5, durations) / 1e6,
        p95: clickhouseQuantile(0.95, durations) / 1e6,
        p99: clickhouseQuantile(0.99, durations) / 1e6,
        errors: list.filter((span) => span.error).length,
      };
    }),
  'Slow page loads (open as trace)': (f) =>
    f.spans
      .filter((span) => span.name === 'documentLoad' && span.durationMs > 3000)
      .map((span) => ({ ...spanRow(span), path: span.path, traceID: span.traceId })),
};
