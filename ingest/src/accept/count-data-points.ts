// What happened to the data points of one OTLP metrics request, counted: the browser's own event
// counts (portfolio.events) of the points the write-ahead log took, duplicates, and refusals by reason.
import type { Metrics } from '../metrics/registry.js';
import type { MappedPoint, PointRefusal, RefusedPoint } from '../otlp/metrics/metric-rows.js';
import type { MetricPointRow } from '../tables/index.js';

/** Duplicates and refusals, known as soon as the points are judged. */
export function countDataPoints(
  metrics: Metrics,
  points: readonly MappedPoint[],
  stored: readonly MetricPointRow[],
  refused: readonly RefusedPoint[],
): void {
  const duplicates = points.length - stored.length;
  if (duplicates > 0) metrics.eventsDuplicate.inc({ source: 'otlp' }, duplicates);
  const reasons = new Map<PointRefusal, number>();
  for (const { reason } of refused) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  for (const [reason, count] of reasons) metrics.eventsRefused.inc({ reason, source: 'otlp' }, count);
}

/**
 * The browser counts of the points the write-ahead log took (never of a write the disk refused:
 * that request is answered 503 and sent again).
 */
export function countBrowserEvents(metrics: Metrics, points: readonly MappedPoint[], logged: readonly MetricPointRow[]): void {
  const loggedRows = new Set(logged);
  for (const { row, browserCount } of points) {
    // A re-sent point is stored once, and counted once.
    if (browserCount && loggedRows.has(row)) {
      metrics.browserEvents.inc({ site: browserCount.site, type: browserCount.type, object: browserCount.object }, browserCount.value);
    }
  }
}
