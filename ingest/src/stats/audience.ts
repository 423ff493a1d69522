/** Who the visitors are and where they come from: sources, campaigns, countries, devices, browsers, systems. */
import type { ClickHouseClient } from '@clickhouse/client';
import { LIST_LENGTH } from './pages.js';
import { count, rows } from './query.js';

export interface Audience {
  sources: Array<{ source: string; visitors: number }>;
  campaigns: Array<{ source: string; medium: string; campaign: string; visitors: number }>;
  countries: Array<{ country: string; visitors: number }>;
  devices: Array<{ device: string; visitors: number }>;
  browsers: Array<{ browser: string; visitors: number }>;
  operating_systems: Array<{ os: string; visitors: number }>;
}

/**
 * One scan of the range's page views, each seen once per dimension (ARRAY JOIN), counted in
 * distinct visitors. A referrer on one of the site's own hosts is a step inside the site, never
 * a source. Empty values (no referrer, no campaign, unknown country) are left out.
 */
export async function readAudience(
  client: ClickHouseClient,
  params: { site: string; seconds: number },
  ownHosts: readonly string[],
): Promise<Audience> {
  const found = await rows<{ dimension: string; value: string; visitors: string }>(
    client,
    `SELECT item.1 AS dimension, item.2 AS value, uniq(visitor_id) AS visitors
     FROM events
     ARRAY JOIN [
       ('source', if(has({own:Array(String)}, referrer_host), '', referrer_host)),
       ('campaign', if(utm_source = '' AND utm_medium = '' AND utm_campaign = '', '',
                       concat(utm_source, '\\t', utm_medium, '\\t', utm_campaign))),
       ('country', country),
       ('device', device),
       ('browser', browser),
       ('os', os)
     ] AS item
     WHERE site = {site:String} AND type = 'page_view' AND visitor_id != '' AND ts >= now() - {seconds:UInt32}
     GROUP BY dimension, value
     HAVING value != ''
     ORDER BY dimension, visitors DESC, value
     LIMIT {limit:UInt32} BY dimension`,
    { ...params, own: [...ownHosts], limit: LIST_LENGTH },
  );
  const of = (dimension: string) =>
    found.filter((row) => row.dimension === dimension).map((row) => ({ value: row.value, visitors: count(row.visitors) }));
  return {
    sources: of('source').map(({ value, visitors }) => ({ source: value, visitors })),
    campaigns: of('campaign').map(({ value, visitors }) => {
      const [source = '', medium = '', campaign = ''] = value.split('\t');
      return { source, medium, campaign, visitors };
    }),
    countries: of('country').map(({ value, visitors }) => ({ country: value, visitors })),
    devices: of('device').map(({ value, visitors }) => ({ device: value, visitors })),
    browsers: of('browser').map(({ value, visitors }) => ({ browser: value, visitors })),
    operating_systems: of('os').map(({ value, visitors }) => ({ os: value, visitors })),
  };
}

/** The hosts of a site's own origins (`https://example.com` → `example.com`). */
export function hostsOf(origins: Iterable<string>): string[] {
  return [...origins].map((origin) => new URL(origin).host);
}
