// The data points of one `/v1/metrics` request, accepted: the mapped points written to
// metric_points and counted (count-data-points.ts), the ones whose numbers cannot be true refused
// one by one, answered as the OTLP specification's partial success and kept with their values
// (refusals/refused-values.ts), as the beacon's and the other signals' refusals are.
import type { FastifyInstance } from 'fastify';
import type { MappedPoint, RefusedPoint } from '../otlp/metrics/metric-rows.js';
import { countBrowserEvents, countDataPoints } from './count-data-points.js';
import { refusalMessage } from './refusal-hints.js';

/** The partial success of a metrics export: how many data points were refused and why; absent when none was. */
export type MetricsPartialSuccess = {
  rejectedDataPoints: number;
  errorMessage: string;
};

export function acceptDataPoints(
  app: FastifyInstance,
  points: readonly MappedPoint[],
  refused: readonly RefusedPoint[],
): MetricsPartialSuccess | undefined {
  const stored = app.pipeline.accept(
    'metric_points',
    points.map(({ row }) => row),
    (logged) => countBrowserEvents(app.metrics, points, logged),
  );
  countDataPoints(app.metrics, points, stored, refused);
  if (refused.length === 0) return undefined;
  const groups = new Map<string, { item: RefusedPoint; count: number }>();
  for (const item of refused) {
    const key = `${item.reason}|${item.site}|${item.value}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { item, count: 1 });
  }
  for (const { item, count } of groups.values()) app.refusedValues.record(item, count);
  return {
    rejectedDataPoints: refused.length,
    errorMessage: refusalMessage('data points', refused, (item) => app.refusedValues.hint(item)),
  };
}
