/**
 * The summary behind `/api/stats`, `/api/stream` and the overview page: every figure of a site
 * and range, read as parse (parse-query.ts) -> plan (plan-query.ts) -> build (build-sql.ts) ->
 * run (run-query.ts) -> shape (shape-answer.ts). Four queries side by side, each reading whole
 * hours and days of an unfiltered range from the rollups and only its edges from raw events; and
 * the last minutes, raw, for the live figures.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteEntry } from '../catalog/catalog.js';
import { breakdownsSql, countsSql, overTimeSql, visitsSql } from './build-sql.js';
import type { BreakdownRow, PageViewsBy } from './dimensions.js';
import type { Filters } from './filters.js';
import { readLive, type Live } from './live.js';
import type { Headline, TimePoint } from './metrics.js';
import { parseQuery, type ParseOptions } from './parse-query.js';
import { planQuery } from './plan-query.js';
import type { Range } from './range.js';
import type { RefusedValue } from './refused-values.js';
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

export interface Stats extends Headline, Room, PageViewsBy, Visits, Live {
  site: string;
  range: Range;
  /** The site's IANA time zone, in which the steps of the time series begin. */
  time_zone: string;
  /** The filters applied (visits with a matching page view); the live figures ignore them. */
  filters: Filters;
  total_events: number;
  events_by_type: Record<string, number>;
  /** The same figures for the period of the same length just before the range. */
  previous: Headline;
  timeseries: TimePoint[];
  timeseries_step_s: number;
  refused: RefusedValue[];
}

/** `rollups: false` reads every figure from raw events, which the tests compare the rollups' answers with; `now` ends the range. */
export type ReadOptions = ParseOptions;

export async function readStats(
  client: ClickHouseClient,
  site: SiteEntry,
  range: Range,
  refused: readonly RefusedValue[] = [],
  filters: Filters = {},
  options: ReadOptions = {},
): Promise<Stats> {
  const query = parseQuery(site, range, filters, options);
  const plan = planQuery(query);
  const run = <Row>({ sql, params }: { sql: string; params: Record<string, unknown> }) => rows<Row>(client, sql, params);
  const [overTime, breakdowns, visits, counts, live] = await Promise.all([
    run<OverTimeRow>(overTimeSql(plan)),
    run<BreakdownRow>(breakdownsSql(plan)),
    run<VisitRow>(visitsSql(plan)),
    run<CountRow>(countsSql(plan)),
    readLive(client, { site: site.id, seconds: query.now - query.current.from }),
  ]);
  const figures = shapeOverTime(query, overTime);
  const room = shapeCounts(site, counts);
  return {
    site: site.id,
    range,
    time_zone: query.timeZone,
    filters: query.filters,
    total_events: Object.values(room.events_by_type).reduce((sum, n) => sum + n, 0),
    ...room,
    ...figures.current,
    previous: figures.previous,
    ...shapeVisits(visits),
    ...shapeBreakdowns(breakdowns),
    ...live,
    timeseries: figures.timeseries,
    timeseries_step_s: STEP_NOMINAL_SECONDS[query.step],
    refused: [...refused],
  };
}
