/**
 * The builder: SQL for each part of a summary from its plan (plan-query.ts) and the tables of
 * figures (metrics.ts, dimensions.ts). Every value, times and the time zone included, is a
 * `{name:Type}` parameter, never SQL text made here: bound by a server, written in as a typed
 * literal for the embedded engine's read pool (run-query.ts). The site's time zone enters SQL
 * here and only here, in `stepOf`: the rollups and raw events are stored in UTC and read as local
 * steps.
 */
import { DIMENSION_NAMES, DIMENSIONS } from './dimensions.js';
import { activeFilters, visitsMatching } from './filters.js';
import { LIST_LENGTH } from './lists.js';
import { METRIC_NAMES, METRICS } from './metrics.js';
import { bySource, type Plan, type Source, type Stretch } from './plan-query.js';
import type { Query } from './parse-query.js';
import type { Step } from './steps.js';

export interface Sql {
  sql: string;
  params: Record<string, unknown>;
}

/** Parameters for the stretches' limits: every value reaches ClickHouse as a parameter (run-query.ts). */
export class TimeParams {
  readonly values: Record<string, number> = {};

  /**
   * A DateTime64 expression for `seconds` since the epoch, bound as a parameter. DateTime64, as the
   * raw tables' times are: the engine's index analysis compares a DateTime64 column with a DateTime
   * bound wrongly and skips a part whose rows all lie in the second before `ts < bound`
   * (test/period-edges.test.ts); against the rollups' DateTime hours it prunes alike.
   */
  time(seconds: number): string {
    const name = `t${Object.keys(this.values).length}`;
    this.values[name] = seconds;
    return `toDateTime64({${name}:UInt32}, 3, 'UTC')`;
  }
}

/** `(column >= a AND column < b) OR ...` over the stretches; `0` when there are none. */
export function timeCondition(column: string, stretches: readonly Stretch[], params: TimeParams): string {
  if (stretches.length === 0) return '0';
  return stretches
    .map((stretch) => {
      const from = `${column} >= ${params.time(stretch.from)}`;
      return stretch.to === undefined ? `(${from})` : `(${from} AND ${column} < ${params.time(stretch.to)})`;
    })
    .join(' OR ');
}

/**
 * The start of the local step holding `column` (a UTC DateTime or DateTime64), as epoch seconds,
 * in the zone bound as `{tz:String}`: the one place a time is converted to the site's zone.
 */
export function stepOf(column: string, step: Step): string {
  const time = `toDateTime(${column})`;
  switch (step) {
    case 'minute':
      return `toUnixTimestamp(toStartOfMinute(${time}))`;
    case 'hour':
      return `toUnixTimestamp(toStartOfHour(toTimeZone(${time}, {tz:String})))`;
    case 'day':
      return `toUnixTimestamp(toStartOfDay(${time}, {tz:String}))`;
    case 'week':
      return `toUnixTimestamp(toDateTime(toMonday(${time}, {tz:String}), {tz:String}))`;
    case 'month':
      return `toUnixTimestamp(toDateTime(toStartOfMonth(${time}, {tz:String}), {tz:String}))`;
  }
}

/**
 * How a query reads both periods: per source, one part for the stretches of both, a row's period
 * told by its time (`current`: 1 from the current period's start); a part per period and source,
 * tagged with its period, when the periods overlap (an event they share counts in each) or a
 * filter is set (each period's matching visits are found from its own start: `matching`). Fewer
 * parts, less of each query's fixed cost (parsing, analysis and planning of each).
 */
export function periodParts(
  query: Query,
  current: readonly Stretch[],
  previous: readonly Stretch[],
  times: TimeParams,
  params: Record<string, unknown>,
): Array<{ source: Source; table: string; time: string; stretches: Stretch[]; current: (column: string) => string; matching: string }> {
  if (query.previous.to <= query.current.from && activeFilters(query.filters).length === 0) {
    const from = times.time(query.current.from);
    return bySource([...current, ...previous]).map((part) => ({ ...part, current: (column) => `${column} >= ${from}`, matching: '' }));
  }
  return (
    [
      [current, 1],
      [previous, 0],
    ] as const
  ).flatMap(([stretches, period]) => {
    const matching = visitsMatching(query.filters, times.time(period ? query.current.from : query.previous.from), query.site.goals);
    Object.assign(params, matching.params);
    return bySource(stretches).map((part) => ({ ...part, current: () => String(period), matching: matching.sql }));
  });
}

/**
 * The headline figures and the time series of both periods, in one query: each stretch yields
 * the metrics' states per period and step, merged per period and per period's step with
 * GROUPING SETS (a visitor counts once in the total however many steps it appears in, which sums
 * of steps could not give). A row's period is told by its time; periods that overlap (a long span
 * against the year before) are read by parts of their own, each tagged with its period, so the
 * events they share count in each (parts of both periods at once cost 5 to 25 ms more, so only then).
 */
export function overTimeSql(plan: Plan): Sql {
  const { query } = plan;
  const times = new TimeParams();
  const currentFrom = times.time(query.current.from);
  const matching = visitsMatching(query.filters, times.time(query.previous.from), query.site.goals);
  const overlap = query.previous.to > query.current.from;
  const periods: Array<{ stretches: Stretch[]; current?: 0 | 1 }> = overlap
    ? [
        { stretches: plan.overTime, current: 1 },
        { stretches: plan.previousOverTime, current: 0 },
      ]
    : [{ stretches: [...plan.overTime, ...plan.previousOverTime] }];
  const parts = periods.flatMap(({ stretches, current }) =>
    bySource(stretches).map(({ source, table, time, stretches }) =>
      source === 'raw'
        ? `SELECT ${current ?? `ts >= ${currentFrom}`} AS current, ${stepOf('ts', query.step)} AS bucket, 1 AS distinct_counts,
                  ${METRIC_NAMES.map((name) => `${METRICS[name].raw} AS ${name}`).join(', ')}
           FROM events
           WHERE site = {site:String} AND (${timeCondition('ts', stretches, times)})${matching.sql}
           GROUP BY current, bucket`
        : `SELECT ${current ?? `${time} >= ${currentFrom}`} AS current, ${stepOf(time, query.step)} AS bucket, dimension = 'all' AS distinct_counts,
                  ${METRIC_NAMES.map((name) => `${METRICS[name].rollup} AS ${name}`).join(', ')}
           FROM ${table}
           WHERE site = {site:String} AND dimension IN ('all', 'type') AND (${timeCondition(time, stretches, times)})`,
    ),
  );
  const merged = METRIC_NAMES.map((name) =>
    METRICS[name].merge === 'uniq' ? `uniqMergeIf(${name}, distinct_counts) AS ${name}` : `sum(${name}) AS ${name}`,
  );
  return {
    sql: `SELECT current, bucket AS time, ${merged.join(', ')}
          FROM (${parts.join('\n UNION ALL \n')})
          GROUP BY GROUPING SETS ((current), (current, time))
          SETTINGS group_by_use_nulls = 1`,
    params: { site: query.site.id, tz: query.timeZone, ...matching.params, ...times.values },
  };
}

/**
 * The rows that can be shown, on each part's `dimension, v1, v2, v3`: a step to another page, a
 * campaign with a parameter, any other value but empty or one of the site's own hosts. Applied
 * before the distinct counts are merged, which is where the time goes; the same condition after
 * the merge (HAVING) gives the same rows.
 */
const SHOWN = `multiIf(dimension = 'flow', v1 != '' AND v1 != v2,
                 dimension = 'page', true,
                 dimension = 'campaign', v1 != '' OR v2 != '' OR v3 != '',
                 dimension = 'source', v1 != '' AND NOT has({own:Array(String)}, v1),
                 v1 != '')`;

/**
 * Page views by every dimension: a raw page view as one row per dimension it falls in, a rollup
 * row as it is; merged into one figure per value (views exact, visitors `uniq` of the 64-bit keys
 * either way). A referrer on one of the site's own hosts is never a source (decided when read, so
 * a change of the catalog's origins applies to the past too). Empty values are left out.
 * Both periods in one query (a query's fixed cost is paid once), each row tagged with its period
 * (`current`, periodParts), the compared period's figures of a value (`previous_visitors`,
 * `previous_views`) beside the current one's, for each row's change; the rows are the current
 * period's.
 */
export function breakdownsSql(plan: Plan): Sql {
  const { query } = plan;
  const times = new TimeParams();
  const params: Record<string, unknown> = {};
  const tuples = `[${DIMENSION_NAMES.map((name) => DIMENSIONS[name].raw).join(', ')}]`;
  const byViews = DIMENSION_NAMES.filter((name) => 'byViews' in DIMENSIONS[name]);
  const parts = periodParts(query, plan.breakdowns, plan.previousBreakdowns, times, params).map(
    ({ source, table, time, stretches, current, matching }) =>
      source === 'raw'
        ? `SELECT ${current('ts')} AS current, item.1 AS dimension, item.2 AS v1, item.3 AS v2, item.4 AS v3,
                  count() AS part_views, uniqStateIf(visitor_key, visitor_key != 0 AND dimension != 'flow') AS part_visitors
           FROM events ARRAY JOIN ${tuples} AS item
           WHERE site = {site:String} AND type = 'page_view' AND (${timeCondition('ts', stretches, times)})${matching}
             AND ${SHOWN}
           GROUP BY current, dimension, v1, v2, v3`
        : `SELECT ${current(time)} AS current, toString(dimension) AS dimension, value AS v1, value2 AS v2, value3 AS v3,
                  events AS part_views, visitors AS part_visitors
           FROM ${table}
           WHERE site = {site:String} AND dimension IN {dimensions:Array(String)} AND (${timeCondition(time, stretches, times)})
             AND ${SHOWN}`,
  );
  if (parts.length === 0) parts.push(EMPTY_BREAKDOWN);
  return {
    sql: `SELECT dimension, v1 AS value, v2 AS value2, v3 AS value3,
                 -- Steps between pages are ranked and shown by views: their visitors are never merged.
                 uniqMergeIf(part_visitors, current = 1 AND dimension != 'flow') AS visitors, sumIf(part_views, current = 1) AS views,
                 uniqMergeIf(part_visitors, current = 0 AND dimension != 'flow') AS previous_visitors,
                 sumIf(part_views, current = 0) AS previous_views
          FROM (${parts.join('\n UNION ALL \n')})
          GROUP BY dimension, value, value2, value3
          -- A value of the compared period alone has no view in the current one.
          HAVING views > 0 AND multiIf(dimension = 'flow', value != '' AND value != value2,
                                       dimension = 'page', true,
                                       dimension = 'campaign', value != '' OR value2 != '' OR value3 != '',
                                       value != '' AND visitors > 0)
          ORDER BY dimension, if(dimension IN {by_views:Array(String)}, views, visitors) DESC, value, value2, value3
          LIMIT {limit:UInt32} BY dimension`,
    params: {
      site: query.site.id,
      ...params,
      ...times.values,
      own: query.ownHosts,
      dimensions: DIMENSION_NAMES,
      by_views: byViews,
      limit: LIST_LENGTH,
    },
  };
}

/** No stretch to read (a compared period of no length): a part that yields no row, so the query keeps its shape. */
const EMPTY_BREAKDOWN = `SELECT 1 AS current, '' AS dimension, '' AS v1, '' AS v2, '' AS v3, toUInt64(0) AS part_views, uniqState(toUInt64(0)) AS part_visitors WHERE 0`;

/**
 * One row per visit of the period, grouped by session key (migration 0008): each visit's first
 * and last page view are its entry and exit pages; the visit itself gives bounce and duration.
 * A visit that started before the period counts from its first event inside it. Whole hours come
 * from the per-visit rollup (migration 0016), the edges and filtered summaries from raw events
 * turned into the same states; merged per visit, they give exactly what grouping the visit's raw
 * events would (ties between page views stamped the same millisecond may resolve either way).
 * Both periods in one query (a query's fixed cost is paid once), each row tagged with its period
 * (`current`, periodParts; a visit in both periods counts in each), the compared period's figures
 * (`previous_n`, `previous_bounces`, `previous_duration_ms`) beside the current one's, on the
 * current period's entry and exit pages (each row's change) and on the `visit` row (the compared
 * period's bounce rate and visit duration), which is always there (zeros when neither period
 * has a visit).
 */
export function visitsSql(plan: Plan): Sql {
  const { query } = plan;
  const times = new TimeParams();
  const params: Record<string, unknown> = {};
  const parts = periodParts(query, plan.visits, plan.previousVisits, times, params).map(({ source, stretches, current, matching }) =>
    source === 'raw'
      ? `SELECT ${current('ts')} AS current, session_key,
                argMinStateIf(path, ts, type = 'page_view') AS entry,
                argMaxStateIf(path, ts, type = 'page_view') AS exit,
                min(ts) AS first_ts, max(ts) AS last_ts,
                countIf(type = 'page_view') AS page_views, countIf(type = 'room_enter') AS room_entries
         FROM events
         WHERE site = {site:String} AND session_key != 0 AND (${timeCondition('ts', stretches, times)})${matching}
         GROUP BY current, session_key`
      : `SELECT ${current('hour')} AS current, session_key, entry, exit, first_ts, last_ts, page_views, room_entries
         FROM visits_per_hour
         WHERE site = {site:String} AND (${timeCondition('hour', stretches, times)})`,
  );
  return {
    // Each visit once per grouping set: all visits, by entry page, by exit page (grouping() is 1
    // for a key its set leaves out); a visit without a page view has no entry or exit (NULL). On
    // the read benchmark's store this costs 14 to 18 % less CPU than one row per visit and kind
    // made by ARRAY JOIN and grouped by kind and page (30d 73 against 85 ms, 12mo 95 against 113,
    // medians of 9 in turn).
    sql: `SELECT multiIf(grouping(entry_page) = 0, 'entry', grouping(exit_page) = 0, 'exit', 'visit') AS kind,
                 assumeNotNull(multiIf(kind = 'entry', entry_page, kind = 'exit', exit_page, '')) AS path,
                 countIf(current = 1) AS n, countIf(current = 1 AND views <= 1 AND rooms = 0) AS bounces,
                 sumIf(visit_ms, current = 1) AS duration_ms,
                 countIf(current = 0) AS previous_n, countIf(current = 0 AND views <= 1 AND rooms = 0) AS previous_bounces,
                 sumIf(visit_ms, current = 0) AS previous_duration_ms
          FROM (
            SELECT current, sum(page_views) AS views, sum(room_entries) AS rooms,
                   if(views = 0, NULL, argMinMerge(entry)) AS entry_page, if(views = 0, NULL, argMaxMerge(exit)) AS exit_page,
                   toUInt64(dateDiff('millisecond', min(first_ts), max(last_ts))) AS visit_ms
            FROM (${parts.join('\n UNION ALL \n')})
            GROUP BY current, session_key
          )
          GROUP BY GROUPING SETS ((), (entry_page), (exit_page))
          HAVING kind = 'visit' OR (n > 0 AND multiIf(kind = 'entry', entry_page, exit_page) IS NOT NULL)
          ORDER BY kind, n DESC, path
          LIMIT {limit:UInt32} BY kind`,
    params: { site: query.site.id, ...params, ...times.values, limit: LIST_LENGTH },
  };
}

/**
 * Counts by type and object (sums, no distinct count: exact from any table): the room's views and
 * clicks, and every type's total. The rollups' `type` rows hold them; a filtered summary counts
 * raw events of the matching visits instead.
 */
export function countsSql(plan: Plan): Sql {
  const { query } = plan;
  const times = new TimeParams();
  const matching = visitsMatching(query.filters, times.time(query.current.from), query.site.goals);
  const parts = bySource(plan.counts).map(({ source, table, time, stretches }) =>
    source === 'raw'
      ? `SELECT toString(type) AS type, toString(object_id) AS object, count() AS events
         FROM events
         WHERE site = {site:String} AND (${timeCondition('ts', stretches, times)})${matching.sql}
         GROUP BY type, object`
      : `SELECT value AS type, value2 AS object, events
         FROM ${table}
         WHERE site = {site:String} AND dimension = 'type' AND (${timeCondition(time, stretches, times)})`,
  );
  return {
    sql: `SELECT type, object, sum(events) AS events
          FROM (${parts.join('\n UNION ALL \n')})
          GROUP BY type, object ORDER BY type, object`,
    params: { site: query.site.id, ...matching.params, ...times.values },
  };
}
