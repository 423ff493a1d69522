/**
 * The range's page views broken down every way the owner reads them: by page, by step between
 * pages, source, campaign, country, device, browser and system. Whole days and hours come from
 * the daily and hourly rollups (migrations 0010 and 0013: one row per value of each breakdown),
 * the edges of the range and filtered summaries from raw events, turned into the same rows (one
 * per breakdown a page view falls in); both merge into one figure per value: views are exact,
 * visitors `uniq` of the 64-bit keys either way. A step between pages is a page view that names
 * the page before it (`nav_from`: the tracker's `from`, or a referrer on the site's own origins).
 * A referrer on one of the site's own hosts is never a source (decided when read, so a change of
 * the catalog's origins applies to the past too). Empty values (no referrer, no campaign, an
 * unknown country) are left out.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { activeFilters, visitsMatching, type Filters } from './filters.js';
import { LIST_LENGTH } from './lists.js';
import { count, rows } from './query.js';
import type { RangeParams } from './range.js';
import { bySource, grainsFor, stretchesOf, timeCondition, TimeParams } from './rollups.js';

export interface PageViewsBy {
  top_pages: Array<{ path: string; visitors: number; views: number }>;
  flows: Array<{ from: string; to: string; count: number }>;
  sources: Array<{ source: string; visitors: number }>;
  campaigns: Array<{ source: string; medium: string; campaign: string; visitors: number }>;
  countries: Array<{ country: string; visitors: number }>;
  devices: Array<{ device: string; visitors: number }>;
  browsers: Array<{ browser: string; visitors: number }>;
  operating_systems: Array<{ os: string; visitors: number }>;
}

interface Row {
  dimension: string;
  value: string;
  value2: string;
  value3: string;
  visitors: string;
  views: string;
}

/** A raw page view as the rows of the breakdowns it falls in: the rollups' `dimension, value, value2, value3` (migration 0010). */
const BREAKDOWNS = `[('page', path, '', ''), ('flow', nav_from, path, ''), ('source', toString(referrer_host), '', ''),
   ('campaign', toString(utm_source), toString(utm_medium), toString(utm_campaign)), ('country', toString(country), '', ''),
   ('device', toString(device), '', ''), ('browser', toString(browser), '', ''), ('os', toString(os), '', '')]`;

const DIMENSIONS = ['page', 'flow', 'source', 'campaign', 'country', 'device', 'browser', 'os'];

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

export async function readPageViewsBy(
  client: ClickHouseClient,
  params: RangeParams,
  ownHosts: readonly string[],
  filters: Filters = {},
  { rollups = true } = {},
): Promise<PageViewsBy> {
  const { now, seconds } = params;
  const stretches = stretchesOf(now - seconds, undefined, rollups ? grainsFor(activeFilters(filters).length > 0) : [], now);
  const times = new TimeParams();
  const matching = visitsMatching(filters, times.time(now - seconds));
  const parts = bySource(stretches).map(({ source, table, time, stretches: own }) =>
    source === 'raw'
      ? `SELECT item.1 AS dimension, item.2 AS v1, item.3 AS v2, item.4 AS v3,
                count() AS views, uniqStateIf(visitor_key, visitor_key != 0 AND dimension != 'flow') AS visitors
         FROM events ARRAY JOIN ${BREAKDOWNS} AS item
         WHERE site = {site:String} AND type = 'page_view' AND (${timeCondition('ts', own, times)})${matching.sql}
           AND ${SHOWN}
         GROUP BY dimension, v1, v2, v3`
      : `SELECT toString(dimension) AS dimension, value AS v1, value2 AS v2, value3 AS v3, events AS views, visitors
         FROM ${table}
         WHERE site = {site:String} AND dimension IN {dimensions:Array(String)} AND (${timeCondition(time, own, times)})
           AND ${SHOWN}`,
  );
  const found = await rows<Row>(
    client,
    `SELECT dimension, v1 AS value, v2 AS value2, v3 AS value3,
            -- Steps between pages are ranked and shown by views: their visitors are never merged.
            uniqMergeIf(visitors, dimension != 'flow') AS visitors, sum(views) AS views
     FROM (${parts.join('\n UNION ALL \n')})
     GROUP BY dimension, value, value2, value3
     HAVING multiIf(dimension = 'flow', value != '' AND value != value2,
                    dimension = 'page', true,
                    dimension = 'campaign', value != '' OR value2 != '' OR value3 != '',
                    value != '' AND visitors > 0)
     ORDER BY dimension, if(dimension IN ('page', 'flow'), views, visitors) DESC, value, value2, value3
     LIMIT {limit:UInt32} BY dimension`,
    { site: params.site, ...matching.params, ...times.values, own: [...ownHosts], dimensions: DIMENSIONS, limit: LIST_LENGTH },
  );
  const of = (dimension: string) => found.filter((row) => row.dimension === dimension);
  const visitors = (row: Row) => count(row.visitors);
  return {
    top_pages: of('page').map((row) => ({ path: row.value, visitors: visitors(row), views: count(row.views) })),
    flows: of('flow').map((row) => ({ from: row.value, to: row.value2, count: count(row.views) })),
    sources: of('source').map((row) => ({ source: row.value, visitors: visitors(row) })),
    campaigns: of('campaign').map((row) => ({ source: row.value, medium: row.value2, campaign: row.value3, visitors: visitors(row) })),
    countries: of('country').map((row) => ({ country: row.value, visitors: visitors(row) })),
    devices: of('device').map((row) => ({ device: row.value, visitors: visitors(row) })),
    browsers: of('browser').map((row) => ({ browser: row.value, visitors: visitors(row) })),
    operating_systems: of('os').map((row) => ({ os: row.value, visitors: visitors(row) })),
  };
}

/** The hosts of a site's own origins (`https://example.com` → `example.com`). */
export function hostsOf(origins: Iterable<string>): string[] {
  return [...origins].map((origin) => new URL(origin).host);
}
