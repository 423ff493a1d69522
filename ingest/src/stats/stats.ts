/** The summary behind `/api/stats`, `/api/stream` and the overview page: every figure of a site and range. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteEntry } from '../catalog/catalog.js';
import { activeFilters, type Filters } from './filters.js';
import { readFiguresOverTime, type Headline, type TimePoint } from './figures-over-time.js';
import { readLive, type Live } from './live.js';
import { hostsOf, readPageViewsBy, type PageViewsBy } from './page-views-by.js';
import { rangeParams, STEP_SECONDS, type Range } from './range.js';
import type { RefusedValue } from './refused-values.js';
import { readRoom, type Room } from './room.js';
import { readVisits, type Visits } from './visits.js';

export { RANGES, RANGE_NAMES, type Range } from './range.js';

export interface Stats extends Headline, Room, PageViewsBy, Visits, Live {
  site: string;
  range: Range;
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

export interface ReadOptions {
  /**
   * Read whole hours and days from the rollups (the default); false reads every figure from raw
   * events, which the tests compare the rollups' answers with.
   */
  rollups?: boolean;
  /** The end of the range, epoch seconds; now by default. */
  now?: number;
}

/**
 * Five queries side by side: figures over time, page views by dimension, visits, counts by type
 * and object, each reading whole hours and days of an unfiltered range from the rollups and only
 * its edges from raw events (rollups.ts); and the last minutes, raw, for the live figures.
 */
export async function readStats(
  client: ClickHouseClient,
  site: SiteEntry,
  range: Range,
  refused: readonly RefusedValue[] = [],
  filters: Filters = {},
  { rollups = true, now }: ReadOptions = {},
): Promise<Stats> {
  const params = rangeParams(site.id, range, now);
  const [overTime, pageViews, visits, room, live] = await Promise.all([
    readFiguresOverTime(client, params, STEP_SECONDS[range], filters, { rollups }),
    readPageViewsBy(client, params, hostsOf(site.origins), filters, { rollups }),
    readVisits(client, params, filters, { rollups }),
    readRoom(client, params, site, filters, { rollups }),
    readLive(client, params),
  ]);
  return {
    site: site.id,
    range,
    filters: Object.fromEntries(activeFilters(filters)),
    total_events: Object.values(room.events_by_type).reduce((sum, n) => sum + n, 0),
    ...room,
    ...overTime.current,
    previous: overTime.previous,
    ...visits,
    ...pageViews,
    ...live,
    timeseries: overTime.timeseries,
    timeseries_step_s: STEP_SECONDS[range],
    refused: [...refused],
  };
}
