/**
 * The summary behind `/api/stats`, `/api/stream` and the overview page: every figure of a site
 * and range, read as parse (parse-query.ts) -> plan (plan-query.ts) -> build (build-sql.ts) ->
 * run (run-query.ts) -> shape (shape-answer.ts). One query per part (summaryReads): the headline
 * figures, breakdowns, visits and counts read whole hours and days of an unfiltered range from the
 * rollups and only its edges from raw events; the event lists, goals, properties and engagement
 * path read raw events of the period; and the last minutes, raw, for the live figures. A ranked
 * list's part reads the compared period too, for the rows it lists: each row's change.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteEntry } from '../catalog/catalog.js';
import { breakdownsSql, countsSql, overTimeSql, visitsSql } from './build-sql.js';
import type { BreakdownRow, PageViewsBy } from './dimensions.js';
import { eventListSql, type EventListRow, type EventLists, LIST_QUERY_NAMES, type ListQueryName, shapeEventLists } from './event-lists.js';
import type { Filters } from './filters.js';
import { readEngagement, shapeEngagement, type ObjectEngagement } from './engagement.js';
import { goalsSql, shapeGoals, type GoalFigures, type GoalRow } from './goals.js';
import { readLive, type Live } from './live.js';
import { propertiesSql, shapeProperties, type PropertyBreakdown, type PropertyRow } from './props.js';
import { METRIC_NAMES, type Headline, type MetricName, type TimePoint } from './metrics.js';
import { parseQuery, type Compare, type ParseOptions, type Query } from './parse-query.js';
import { activeFilters } from './filters.js';
import { readStoredSpan, type StoredSpan } from './stored-span.js';
import { localDate } from './time-zone.js';
import { type Plan, planQuery, readsRollups, type Stretch } from './plan-query.js';
import type { Range } from './range.js';
import type { RefusedValue } from '../refusals/refused-values.js';
import { rows } from './run-query.js';
import {
  shapeBreakdowns,
  shapeCounts,
  shapeOverTime,
  shapeVisits,
  type CountRow,
  type OverTimeRow,
  type Room,
  type VisitRow,
  type Visits,
} from './shape-answer.js';
import { STEP_NOMINAL_SECONDS } from './steps.js';

export { RANGES, RANGE_NAMES, type Range } from './range.js';

export interface Stats extends Headline, Room, PageViewsBy, EventLists, Visits, Live {
  site: string;
  range: Query['range'];
  /** The period read, epoch seconds `[from, to)`; `to` is null for a rolling range, which ends now. */
  period: { from: number; to: number | null };
  /** What `previous` is: the period of the same length just before, or the same period a year before. */
  compare: Compare;
  /** Each headline figure's change against `previous`, as a fraction (0.25 = 25 % more); null when `previous` is 0. */
  changes: Record<MetricName | VisitFigure, number | null>;
  /** The site's IANA time zone, in which the steps of the time series begin. */
  time_zone: string;
  /** The filters applied (visits with a matching page view); the live figures ignore them. */
  filters: Filters;
  total_events: number;
  events_by_type: Record<string, number>;
  /** The same figures for the compared period (`compare`). */
  previous: Headline & Pick<Visits, VisitFigure>;
  timeseries: TimePoint[];
  /** The compared period's time series, its n-th point beside `timeseries`' n-th (its own `time`s). */
  previous_timeseries: TimePoint[];
  timeseries_step_s: number;
  /** Present when part of the answer reaches back before the oldest raw event while the rollups hold older days: what is missing, from when. */
  partial?: string;
  refused: RefusedValue[];
  /** Each of the catalog's goals: converted visitors, conversion rate and events (goals.ts). */
  goals: GoalFigures[];
  /** Every event type by every property key its events carry (props.ts). */
  properties: PropertyBreakdown[];
  /** The room's engagement path per object: seen, clicked, and what came next (engagement.ts). */
  engagement: ObjectEngagement[];
}

/** Raw events are kept at least a day: a period that begins later than this before now needs no look at where they begin. */
const RAW_KEPT_AT_LEAST_SECONDS = 2 * 86_400;

/** The headline figures read from the visits rather than the metrics' table. */
type VisitFigure = 'bounce_rate' | 'visit_duration_s';
const VISIT_FIGURES: VisitFigure[] = ['bounce_rate', 'visit_duration_s'];

function changesOf<Name extends string>(
  names: readonly Name[],
  current: Record<Name, number>,
  previous: Record<Name, number>,
): Record<Name, number | null> {
  return Object.fromEntries(
    names.map((name) => [name, previous[name] === 0 ? null : (current[name] - previous[name]) / previous[name]]),
  ) as Record<Name, number | null>;
}

/**
 * `rollups: false` reads every figure from raw events, which the tests compare the rollups' answers
 * with; `now` ends the range; `period` reads a calendar period or a span of dates instead.
 */
export type ReadOptions = Omit<ParseOptions, 'period'> & { period?: ParseOptions['period'] | 'all' };

/**
 * The figures of an unfiltered summary that count only while raw events (or the per-visit rollup,
 * kept as long) are kept: the rest come from rollups kept longer. Goals and properties are among
 * them unless the plan reads them from whole days of the daily rollup (plan-query.ts).
 */
function rawOnlyFigures(plan: Plan): string[] {
  const raw = (name: string, stretches: readonly Stretch[]) => (readsRollups(stretches) ? [] : [name]);
  return [
    'entry and exit pages',
    'bounce rate',
    'visit duration',
    ...raw('goals', plan.goals),
    ...raw('properties', plan.properties),
    'outbound links',
    'downloads',
    'reading',
    'the engagement path',
  ];
}

/**
 * What is missing when the periods begin before the oldest raw event and the rollups hold older
 * hours: a filtered summary is read from raw events alone; an unfiltered one reads the figures of
 * rawOnlyFigures from raw events or the per-visit rollup.
 */
function partialOf(plan: Plan, stored: StoredSpan | undefined): string | undefined {
  const { query } = plan;
  if (!stored || stored.oldest === null) return undefined;
  const rawFrom = stored.rawFrom ?? query.now;
  // The rollups' oldest hour holds the oldest raw event when nothing older was dropped.
  const rawHour = Math.floor(rawFrom / 3600) * 3600;
  if (stored.oldest >= rawHour || Math.min(query.current.from, query.previous.from) >= rawHour) return undefined;
  const date = localDate(rawFrom, query.timeZone);
  const figures = rawOnlyFigures(plan);
  return activeFilters(query.filters).length > 0
    ? `filters apply only from ${date}, where raw events begin`
    : `${figures.slice(0, -1).join(', ')} and ${figures.at(-1)} count only from ${date}, where raw events begin`;
}

/**
 * Every read of a summary, by name, not yet started: readStats sends them side by side (a
 * ClickHouse server runs them so; the embedded engine a few at a time, on its read pool:
 * clickhouse/read-pool.ts); the read benchmark times each alone (which part costs what).
 */
export async function summaryReads(
  client: ClickHouseClient,
  site: SiteEntry,
  range: Range,
  filters: Filters = {},
  options: ReadOptions = {},
) {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const { period, ...rest } = options;
  let stored: StoredSpan | undefined;
  let parsed: ParseOptions['period'];
  if (period === 'all') {
    // Back to the oldest day the rollups or raw events hold; today alone when nothing is stored.
    stored = await readStoredSpan(client, site.id);
    const today = localDate(now, site.timeZone);
    parsed = { from: stored.oldest === null ? today : localDate(stored.oldest, site.timeZone), to: today, name: 'all' };
  } else parsed = period;
  const query = parseQuery(site, range, filters, { ...rest, now, period: parsed });
  // Only `all` needs where history begins before its reads (its period is made of it); any other
  // period needs it only to say what is partial, so it is read beside the summary's reads, not
  // ahead of them (a statement's wait off every summary that reaches back more than two days).
  const storedSpan =
    stored || Math.min(query.current.from, query.previous.from) >= now - RAW_KEPT_AT_LEAST_SECONDS
      ? () => Promise.resolve(stored)
      : () => readStoredSpan(client, site.id);
  const plan = planQuery(query);
  const run = <Row>({ sql, params }: { sql: string; params: Record<string, unknown> }) => rows<Row>(client, sql, params);
  const goals = goalsSql(plan);
  const reads = {
    overTime: () => run<OverTimeRow>(overTimeSql(plan)),
    // The current period's rows, each with the compared period's figures beside (build-sql.ts).
    breakdowns: () => run<BreakdownRow>(breakdownsSql(plan)),
    visits: () => run<VisitRow>(visitsSql(plan)),
    counts: () => run<CountRow>(countsSql(plan)),
    live: () => readLive(client, { site: site.id, seconds: Math.max(60, query.now - query.current.from) }),
    // The event lists' queries, each row with its figure over the compared period beside (raw-period.ts's rawPeriods).
    ...(Object.fromEntries(LIST_QUERY_NAMES.map((name) => [name, () => run<EventListRow>(eventListSql(query, name))])) as Record<
      ListQueryName,
      () => Promise<EventListRow[]>
    >),
    // Every goal is listed, reached or not, each with its visitors over the compared period.
    goals: async () => (goals ? run<GoalRow>(goals) : []),
    properties: () => run<PropertyRow>(propertiesSql(plan)),
    engagement: () => readEngagement(client, query),
    stored: storedSpan,
  };
  return { query, plan, reads };
}

export async function readStats(
  client: ClickHouseClient,
  site: SiteEntry,
  range: Range,
  refused: readonly RefusedValue[] = [],
  filters: Filters = {},
  options: ReadOptions = {},
): Promise<Stats> {
  const { query, plan, reads } = await summaryReads(client, site, range, filters, options);
  const readEventLists = async () =>
    Object.fromEntries(await Promise.all(LIST_QUERY_NAMES.map(async (name) => [name, await reads[name]()] as const))) as Record<
      ListQueryName,
      EventListRow[]
    >;
  // Sent in this order, the costliest raw scans first: the embedded engine's read pool starts them
  // in the order sent (clickhouse/read-pool.ts), and a long one started last would leave the
  // summary waiting for it alone; the engagement path's second statement, sent once its first has
  // answered, goes ahead of those still waiting (a follow-up). Measured on 2 cores (the read
  // bench's summary, in turn, 9 runs, median wall ms): against the order before, 1h 176 / 201, 24h
  // 296 / 325, 7d 356 / 389, 12mo 553 / 585, all 574 / 583; this order without the follow-up going
  // ahead, 24h 283 / 323, 30d 418 / 438, 12mo 589 / 685, all 598 / 650; CPU alike.
  const [engagement, goalRows, properties, visits, breakdowns, eventLists, overTime, counts, live, stored] = await Promise.all([
    reads.engagement().then((found) => shapeEngagement(site, found)),
    reads.goals(),
    reads.properties().then(shapeProperties),
    reads.visits(),
    reads.breakdowns(),
    readEventLists().then(shapeEventLists),
    reads.overTime(),
    reads.counts(),
    reads.live(),
    reads.stored(),
  ]);
  const figures = shapeOverTime(query, overTime);
  const { previous: previousVisits, ...visitFigures } = shapeVisits(visits);
  const previous = { ...figures.previous, ...previousVisits };
  const partial = partialOf(plan, stored);
  const room = shapeCounts(site, counts);
  return {
    site: site.id,
    range: query.range,
    period: { from: query.current.from, to: query.current.to ?? null },
    compare: query.compare,
    changes: {
      ...changesOf(METRIC_NAMES, figures.current, figures.previous),
      ...changesOf(VISIT_FIGURES, visitFigures, previous),
    },
    time_zone: query.timeZone,
    filters: query.filters,
    total_events: Object.values(room.events_by_type).reduce((sum, n) => sum + n, 0),
    ...room,
    ...figures.current,
    previous,
    ...visitFigures,
    ...shapeBreakdowns(breakdowns),
    ...eventLists,
    ...live,
    timeseries: figures.timeseries,
    previous_timeseries: figures.previousTimeseries,
    timeseries_step_s: STEP_NOMINAL_SECONDS[query.step],
    ...(partial === undefined ? {} : { partial }),
    refused: [...refused],
    goals: shapeGoals(query, goalRows, figures.current.visitors),
    properties,
    engagement,
  };
}
