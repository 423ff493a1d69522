/**
 * The range's page views broken down every way the owner reads them: by page, by step between
 * pages, source, campaign, country, device, browser and system. One scan: GROUPING SETS build
 * every breakdown in the same pass (no row is copied), and visitors are counted by their 64-bit
 * key (migration 0008). A step between pages is a page view that names the page before it
 * (`nav_from`: the tracker's `from`, or a referrer on the site's own origins). A referrer on one
 * of the site's own hosts is never a source. Empty values (no referrer, no campaign, an unknown
 * country) are left out.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { visitsMatching, type Filters } from './filters.js';
import { LIST_LENGTH } from './lists.js';
import { count, rows } from './query.js';

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
  nav_from: string | null;
  path: string | null;
  source: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  country: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  visitors: string;
  views: string;
}

export async function readPageViewsBy(
  client: ClickHouseClient,
  params: { site: string; seconds: number },
  ownHosts: readonly string[],
  filters: Filters = {},
): Promise<PageViewsBy> {
  const matching = visitsMatching(filters, 'now() - {seconds:UInt32}');
  // With group_by_use_nulls, the columns outside a row's grouping set are NULL: that tells which
  // breakdown the row belongs to.
  const found = await rows<Row>(
    client,
    `SELECT multiIf(nav_from IS NOT NULL, 'flow', path IS NOT NULL, 'page', source IS NOT NULL, 'source',
                    utm_source IS NOT NULL, 'campaign', country IS NOT NULL, 'country', device IS NOT NULL, 'device',
                    browser IS NOT NULL, 'browser', 'os') AS dimension,
            nav_from, path, if(has({own:Array(String)}, referrer_host), '', referrer_host) AS source,
            utm_source, utm_medium, utm_campaign, country, device, browser, os,
            uniqIf(visitor_key, visitor_key != 0) AS visitors, count() AS views
     FROM events
     WHERE site = {site:String} AND type = 'page_view' AND ts >= now() - {seconds:UInt32}${matching.sql}
     GROUP BY GROUPING SETS ((path), (nav_from, path), (source), (utm_source, utm_medium, utm_campaign), (country), (device), (browser), (os))
     HAVING multiIf(dimension = 'flow', nav_from != '' AND nav_from != path,
                    dimension = 'page', true,
                    dimension = 'campaign', utm_source != '' OR utm_medium != '' OR utm_campaign != '',
                    coalesce(source, country, device, browser, os, '') != '' AND visitors > 0)
     ORDER BY dimension, if(dimension IN ('page', 'flow'), views, visitors) DESC, coalesce(nav_from, ''), coalesce(path, source, country, device, browser, os, '')
     LIMIT {limit:UInt32} BY dimension
     SETTINGS group_by_use_nulls = 1`,
    { ...params, ...matching.params, own: [...ownHosts], limit: LIST_LENGTH },
  );
  const of = (dimension: string) => found.filter((row) => row.dimension === dimension);
  return {
    top_pages: of('page').map((row) => ({ path: row.path ?? '', visitors: count(row.visitors), views: count(row.views) })),
    flows: of('flow').map((row) => ({ from: row.nav_from ?? '', to: row.path ?? '', count: count(row.views) })),
    sources: of('source').map((row) => ({ source: row.source ?? '', visitors: count(row.visitors) })),
    campaigns: of('campaign').map((row) => ({
      source: row.utm_source ?? '',
      medium: row.utm_medium ?? '',
      campaign: row.utm_campaign ?? '',
      visitors: count(row.visitors),
    })),
    countries: of('country').map((row) => ({ country: row.country ?? '', visitors: count(row.visitors) })),
    devices: of('device').map((row) => ({ device: row.device ?? '', visitors: count(row.visitors) })),
    browsers: of('browser').map((row) => ({ browser: row.browser ?? '', visitors: count(row.visitors) })),
    operating_systems: of('os').map((row) => ({ os: row.os ?? '', visitors: count(row.visitors) })),
  };
}

/** The hosts of a site's own origins (`https://example.com` → `example.com`). */
export function hostsOf(origins: Iterable<string>): string[] {
  return [...origins].map((origin) => new URL(origin).host);
}
