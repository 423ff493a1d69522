// The data points of one `/v1/metrics` request, accepted: the mapped points written to
// metric_points and counted (count-data-points.ts), the ones whose numbers cannot be true refused
// one by one, answered as the OTLP specification's partial success.
import type { FastifyInstance } from 'fastify';
import { MAX_BROWSER_COUNT_PER_POINT, type MappedPoint, type PointRefusal } from '../otlp/metrics/metric-rows.js';
import { countBrowserEvents, countDataPoints } from './count-data-points.js';
import { summariseReasons } from './refusals.js';

/** The partial success of a metrics export: how many data points were refused and why; absent when none was. */
export type MetricsPartialSuccess = {
  rejectedDataPoints: number;
  errorMessage: string;
};

export function acceptDataPoints(
  app: FastifyInstance,
  points: readonly MappedPoint[],
  refused: readonly PointRefusal[],
): MetricsPartialSuccess | undefined {
  const stored = app.pipeline.accept(
    'metric_points',
    points.map(({ row }) => row),
    (logged) => countBrowserEvents(app.metrics, points, logged),
  );
  countDataPoints(app.metrics, points, stored, refused);
  return refused.length === 0
    ? undefined
    : { rejectedDataPoints: refused.length, errorMessage: `data points refused: ${describePointRefusals(refused)}` };
}

const POINT_REFUSALS: Record<PointRefusal, string> = {
  unknown_site: 'unknown_site (a site the catalog lacks)',
  invalid_value: `invalid_value (NaN or infinite, a counter going down, or a browser count that is not a whole number from 0 to ${MAX_BROWSER_COUNT_PER_POINT})`,
};

/** The summary of refused data points, each reason with what it means. */
function describePointRefusals(refused: readonly PointRefusal[]): string {
  return summariseReasons(refused)
    .split(', ')
    .map((part) => {
      const [count, reason] = part.split(' ') as [string, PointRefusal];
      return `${count} ${POINT_REFUSALS[reason]}`;
    })
    .join(', ');
}
