/**
 * The range's page views broken down every way the owner reads them: by page, source, campaign,
 * country, device, browser and system. One scan: ARRAY JOIN sees each page view once per
 * dimension, and visitors are counted by their 64-bit key (migration 0008), so the copies are cheap.
 * A referrer on one of the site's own hosts is a step inside the site, never a source. Empty
 * values (no referrer, no campaign, an unknown country) are left out.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { LIST_LENGTH } from './lists.js';
import { count, rows } from './query.js';

export interface PageViewsBy {
  top_pages: Array<{ path: string; visitors: number; views: number }>;
  sources: Array<{ source: string; visitors: number }>;
  campaigns: Array<{ source: string; medium: string; campaign: string; visitors: number }>;
  countries: Array<{ country: string; visitors: number }>;
  devices: Array<{ device: string; visitors: number }>;
  browsers: Array<{ browser: string; visitors: number }>;
  operating_systems: Array<{ os: string; visitors: number }>;
}

export async function readPageViewsBy(
  client: ClickHouseClient,
  params: { site: string; seconds: number },
  ownHosts: readonly string[],
): Promise<PageViewsBy> {
  const found = await rows<{ dimension: string; value: string; visitors: string; views: string }>(
    client,
    `SELECT item.1 AS dimension, item.2 AS value, uniqIf(visitor, visitor != 0) AS visitors, count() AS views
     FROM (
       SELECT visitor_key AS visitor,
              [('page', path),
               ('source', if(has({own:Array(String)}, referrer_host), '', referrer_host)),
               ('campaign', if(utm_source = '' AND utm_medium = '' AND utm_campaign = '', '',
                               concat(utm_source, '\\t', utm_medium, '\\t', utm_campaign))),
               ('country', country), ('device', device), ('browser', browser), ('os', os)] AS items
       FROM events
       WHERE site = {site:String} AND type = 'page_view' AND ts >= now() - {seconds:UInt32}
     )
     ARRAY JOIN items AS item
     GROUP BY dimension, value
     HAVING value != '' AND (dimension = 'page' OR visitors > 0)
     ORDER BY dimension, if(dimension = 'page', views, visitors) DESC, value
     LIMIT {limit:UInt32} BY dimension`,
    { ...params, own: [...ownHosts], limit: LIST_LENGTH },
  );
  const of = (dimension: string) => found.filter((row) => row.dimension === dimension);
  const visitorsOf = (dimension: string) => of(dimension).map((row) => ({ value: row.value, visitors: count(row.visitors) }));
  return {
    top_pages: of('page').map((row) => ({ path: row.value, visitors: count(row.visitors), views: count(row.views) })),
    sources: visitorsOf('source').map(({ value, visitors }) => ({ source: value, visitors })),
    campaigns: visitorsOf('campaign').map(({ value, visitors }) => {
      const [source = '', medium = '', campaign = ''] = value.split('\t');
      return { source, medium, campaign, visitors };
    }),
    countries: visitorsOf('country').map(({ value, visitors }) => ({ country: value, visitors })),
    devices: visitorsOf('device').map(({ value, visitors }) => ({ device: value, visitors })),
    browsers: visitorsOf('browser').map(({ value, visitors }) => ({ browser: value, visitors })),
    operating_systems: visitorsOf('os').map(({ value, visitors }) => ({ os: value, visitors })),
  };
}

/** The hosts of a site's own origins (`https://example.com` → `example.com`). */
export function hostsOf(origins: Iterable<string>): string[] {
  return [...origins].map((origin) => new URL(origin).host);
}
