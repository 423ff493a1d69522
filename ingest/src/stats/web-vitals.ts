/**
 * Web vitals per page: the 75th percentile of each of LCP, INP, CLS, FCP and TTFB over the
 * period's measurements of a site, the figure Google's Core Web Vitals judge a page by. Two sources,
 * each one measurement a value:
 *
 * - the OpenTelemetry browser instrumentation's `browser.web_vital` log records (otel_logs;
 *   `browser.web_vital.name`, `.value`, the page in `url.full`), a site's by its resource's
 *   `portfolio.site`, else by `portfolio.origin` among the catalog's origins for the site (the
 *   Collector sets it from the page's Origin header, the service from the same header straight in);
 * - the tracker's OpenTelemetry tier's histograms `portfolio.web_vital.<name>` (metric_points,
 *   delta temporality): a data point of one measurement (count 1) holds it exactly as its sum. A
 *   point that adds up several holds only their sum and buckets, from which no exact percentile
 *   can be read: those measurements are left out and counted (`left_out`), never guessed.
 *
 * The percentile is ClickHouse's `quantileExact(0.75)`: the values sorted, the one at index
 * floor(0.75 * n) counting from 0 (for 4 values, the largest; for 5, the fourth).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { METRIC } from '@footfall/contract';
import type { SiteEntry } from '../catalog/catalog.js';
import { count, rows } from './run-query.js';

export const WEB_VITAL_NAMES = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;
export const WEB_VITAL_EVENT = 'browser.web_vital';
/** Pages per answer, the busiest first. */
export const WEB_VITAL_PAGES = 50;

export interface WebVitalRow {
  path: string;
  name: (typeof WEB_VITAL_NAMES)[number];
  p75: number;
  /** Measurements the percentile is of. */
  samples: number;
}

export interface WebVitals {
  pages: WebVitalRow[];
  /** Measurements of the tier's histograms sent several to a data point, so not in `pages`. */
  left_out: number;
}

const MEASUREMENTS = `
  SELECT path, upper(substring(name, {prefixLength:UInt32} + 1)) AS vital, sum AS value
  FROM metric_points
  WHERE site = {site:String} AND kind = 'histogram' AND startsWith(name, {prefix:String}) AND count = 1
    AND ts >= toDateTime64({from:UInt32}, 3) AND ts < toDateTime64({to:UInt32}, 3)
  UNION ALL
  SELECT path(LogAttributes['url.full']) AS path, upper(LogAttributes['browser.web_vital.name']) AS vital,
         toFloat64OrZero(LogAttributes['browser.web_vital.value']) AS value
  FROM otel_logs
  WHERE (EventName = {event:String} OR LogAttributes['event.name'] = {event:String})
    AND TimestampTime >= toDateTime({from:UInt32}) AND TimestampTime < toDateTime({to:UInt32})
    AND isNotNull(toFloat64OrNull(LogAttributes['browser.web_vital.value']))
    AND (ResourceAttributes['portfolio.site'] = {site:String}
         OR (ResourceAttributes['portfolio.site'] = '' AND ResourceAttributes['portfolio.origin'] IN {origins:Array(String)}))`;

const P75_SQL = `
  SELECT path, vital, quantileExact(0.75)(value) AS p75, count() AS samples, sum(samples) OVER (PARTITION BY path) AS page_samples
  FROM (${MEASUREMENTS})
  WHERE vital IN {names:Array(String)}
  GROUP BY path, vital
  ORDER BY page_samples DESC, path, vital
  LIMIT {limit:UInt32} * 5`;

const LEFT_OUT_SQL = `
  SELECT sum(count) AS n FROM metric_points
  WHERE site = {site:String} AND kind = 'histogram' AND startsWith(name, {prefix:String}) AND count > 1
    AND ts >= toDateTime64({from:UInt32}, 3) AND ts < toDateTime64({to:UInt32}, 3)`;

/** The web vitals of a site's pages over `[from, to)`, epoch seconds. */
export async function readWebVitals(client: ClickHouseClient, site: SiteEntry, from: number, to: number): Promise<WebVitals> {
  const params = {
    site: site.id,
    origins: [...site.origins],
    prefix: METRIC.webVitalPrefix,
    prefixLength: METRIC.webVitalPrefix.length,
    event: WEB_VITAL_EVENT,
    names: WEB_VITAL_NAMES,
    from,
    to,
    limit: WEB_VITAL_PAGES,
  };
  const [found, [leftOut]] = await Promise.all([
    rows<{ path: string; vital: WebVitalRow['name']; p75: number; samples: string }>(client, P75_SQL, params),
    rows<{ n: string }>(client, LEFT_OUT_SQL, params),
  ]);
  return {
    pages: found.map((row) => ({ path: row.path, name: row.vital, p75: Number(row.p75), samples: count(row.samples) })),
    left_out: count(leftOut?.n),
  };
}
