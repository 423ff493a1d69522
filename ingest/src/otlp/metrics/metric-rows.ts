import { createHash } from 'node:crypto';
import type { Catalog } from '../../catalog/catalog.js';
import { cut } from '../../accept/refusals.js';
import type { MetricPointRow } from '../../tables/metric-points.js';
import type { Attributes } from '../decode.js';
import type { DataPoint, MetricData, ResourceMetricsData } from './decode-metrics.js';
import { nameWithoutPrivate } from '../name-privacy.js';
import { itemWithoutPrivate, resourceWithoutPrivate } from '../privacy.js';
import { ATTR, toStringMap } from '../traces/span-rows.js';

/** The browser's counter of analytics events; its delta sums feed footfall_browser_events_total. */
export const BROWSER_EVENTS_METRIC = 'portfolio.events';
const DELTA = 1;
/**
 * The most one browser can count in one export of `portfolio.events`: far above what a visitor
 * clicks in an export interval, far below what would push the Prometheus counter towards +Inf.
 */
export const MAX_BROWSER_COUNT_PER_POINT = 100_000;

/** Why a data point was refused: stable names, as events' refusal reasons. */
export type PointRefusal = 'unknown_site' | 'invalid_value';

/** A refused data point: why, the value that made it (the unknown site; the metric's name) and its site. */
export interface RefusedPoint {
  reason: PointRefusal;
  value: string;
  site: string;
}

export interface BrowserCount {
  site: string;
  type: string;
  object: string;
  value: number;
}

export interface MappedPoint {
  row: MetricPointRow;
  /** For delta points of `portfolio.events`: what to add to the Prometheus counter. */
  browserCount: BrowserCount | undefined;
}

/**
 * Maps data points to rows. Refused, each alone and written nowhere: points of a site the catalog
 * lacks, and numbers that cannot be true (NaN or infinite, a counter going down, a browser count
 * that is not a whole number from 0 to MAX_BROWSER_COUNT_PER_POINT).
 */
export function mapMetricPoints(request: ResourceMetricsData[], catalog: Catalog): { points: MappedPoint[]; refused: RefusedPoint[] } {
  const points: MappedPoint[] = [];
  const refused: RefusedPoint[] = [];
  for (const { resource: sent, scopes } of request) {
    const resource = resourceWithoutPrivate(sent);
    const serviceName = String(resource[ATTR.serviceName] ?? '');
    for (const { metrics } of scopes) {
      for (const metric of metrics) {
        // A sender names its metrics: cleaned as span names are.
        const name = nameWithoutPrivate(metric.name);
        for (const sentPoint of metric.points) {
          const point = itemWithoutPrivate(sentPoint);
          const site = String(point.attributes[ATTR.site] ?? resource[ATTR.site] ?? catalog.defaultSite);
          const siteEntry = catalog.sites.get(site);
          if (!siteEntry) {
            refused.push({ reason: 'unknown_site', value: cut(site), site: cut(site) });
            continue;
          }
          if (!plausible(metric, point)) {
            refused.push({ reason: 'invalid_value', value: cut(name), site });
            continue;
          }
          const attributes = toStringMap(point.attributes);
          const row: MetricPointRow = {
            point_id: pointId(site, serviceName, name, attributes, point.startNs, point.timeNs),
            site,
            service_name: serviceName,
            name,
            kind: metric.kind,
            ts: Number(point.timeNs / 1_000_000n),
            attributes,
            path: attributes[ATTR.urlPath] ?? '',
            value: point.value,
            count: point.count,
            sum: point.sum,
            bucket_counts: point.bucketCounts,
            explicit_bounds: point.explicitBounds,
          };
          const counts = name === BROWSER_EVENTS_METRIC && metric.kind === 'sum' && metric.temporality === DELTA;
          points.push({ row, browserCount: counts ? browserCount(site, point.attributes, point.value, catalog) : undefined });
        }
      }
    }
  }
  return { points, refused };
}

function plausible(metric: MetricData, point: DataPoint): boolean {
  const numbers = [point.value, point.sum, ...point.explicitBounds];
  if (!numbers.every(Number.isFinite)) return false;
  if (metric.kind === 'sum' && metric.monotonic && metric.temporality === DELTA && point.value < 0) return false;
  if (metric.name === BROWSER_EVENTS_METRIC) {
    return Number.isSafeInteger(point.value) && point.value >= 0 && point.value <= MAX_BROWSER_COUNT_PER_POINT;
  }
  return true;
}

/** Labels only from the catalog, so any number of browsers make one bounded set of series. */
function browserCount(site: string, attributes: Attributes, value: number, catalog: Catalog): BrowserCount {
  const type = String(attributes[ATTR.eventType] ?? '');
  const object = String(attributes[ATTR.objectId] ?? '');
  const siteEntry = catalog.sites.get(site)!;
  return {
    site,
    type: catalog.eventTypes.has(type) ? type : 'other',
    object: object === '' ? '' : siteEntry.objectRooms.has(object) ? object : 'other',
    value,
  };
}

/** What identifies a data point: its stream (site, service, metric, attributes) and its time window. */
function pointId(site: string, service: string, name: string, attributes: Record<string, string>, startNs: bigint, timeNs: bigint): string {
  const sorted = Object.keys(attributes)
    .sort()
    .map((key) => [key, attributes[key]]);
  return createHash('sha256')
    .update(JSON.stringify([site, service, name, sorted, startNs.toString(), timeNs.toString()]))
    .digest('base64url')
    .slice(0, 22);
}
