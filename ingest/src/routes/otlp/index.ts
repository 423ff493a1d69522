// `POST /v1/traces` and `POST /v1/metrics`: OTLP/HTTP bodies decoded and mapped to rows, each span
// judged by its own visitor (ingest/src/accept), data points refused one by one where their numbers
// cannot be true; partial success as the OTLP specification has it.
import type { FastifyPluginAsync } from 'fastify';
import { countBrowserEvents, countDataPoints } from '../../accept/count-data-points.js';
import { judgeOtlpItems } from '../../accept/judge-events.js';
import { otlpVisitors } from '../../accept/otlp-visitors.js';
import { summariseReasons } from '../../accept/refusals.js';
import { storeEvents } from '../../accept/store-events.js';
import { SpoolFullError } from '../../errors.js';
import { decodeMetrics } from '../../otlp/metrics/decode-metrics.js';
import { MetricsResponse, TraceResponse } from '../../otlp/proto/otlp-proto.js';
import { decodeTraces } from '../../otlp/traces/decode-traces.js';
import { MAX_BROWSER_COUNT_PER_POINT, mapMetricPoints, type PointRefusal } from '../../otlp/metrics/metric-rows.js';
import { mapSpans } from '../../otlp/traces/span-rows.js';
import { markIfOwnTelemetry } from '../../telemetry/own-telemetry.js';
import type { SharedLimitRouteOptions } from '../ingest-route-options.js';
import { otlpPreflight, type PreflightOptions } from './preflight.js';
import { acceptOtlpBodies, answerOtlp, decodeOr400, encodingOf, MAX_OTLP_BYTES } from '../otlp-http.js';

/**
 * `POST /v1/traces` and `POST /v1/metrics`: OTLP/HTTP, protobuf or JSON, plain or gzip. The rate
 * limit is the bucket `/v1/logs` shares: one allowance per client for the whole OTLP surface.
 */
const otlpRoutes: FastifyPluginAsync<SharedLimitRouteOptions & PreflightOptions> = async (app, options) => {
  acceptOtlpBodies(app);
  await app.register(otlpPreflight, { catalogFile: options.catalogFile });

  const routeOptions = { bodyLimit: MAX_OTLP_BYTES, onRequest: options.rateLimit ? [options.rateLimit] : [] };

  app.post('/v1/traces', routeOptions, async (request, reply) => {
    refuseWhenFull();
    const encoding = encodingOf(request);
    const spans = mapSpans(decodeOr400(() => decodeTraces(request.body, encoding)));
    // The service's own spans coming back through the Collector: no span of their handling.
    markIfOwnTelemetry(spans.map((span) => span.row.ServiceName));
    app.metrics.spansReceived.inc(spans.length);

    const items = spans.map((span, index) => ({
      index,
      event: span.event,
      userAgent: span.userAgent,
      standard: span.standard,
      origin: span.origin,
    }));
    let notAnalytic = 0;
    const { rows, refused, kept } = judgeOtlpItems(items, {
      visitorOf: otlpVisitors(app, request),
      catalog: app.catalog,
      origin: request.headers.origin,
      notAnalytic: () => notAnalytic++,
    });
    if (notAnalytic > 0) app.metrics.otlpNotAnalytic.inc({ signal: 'traces' }, notAnalytic);
    app.pipeline.accept(
      'otel_traces',
      spans.filter((_, index) => kept.has(index)).map((span) => span.row),
    );
    storeEvents(app, request.log, 'otlp', rows, refused);
    const partialSuccess =
      refused.length === 0
        ? undefined
        : { rejectedSpans: refused.length, errorMessage: `spans refused: ${summariseReasons(refused.map(({ reason }) => reason))}` };
    return answerOtlp(reply, encoding, TraceResponse, partialSuccess);
  });

  app.post('/v1/metrics', routeOptions, async (request, reply) => {
    refuseWhenFull();
    const encoding = encodingOf(request);
    const { points, refused } = mapMetricPoints(
      decodeOr400(() => decodeMetrics(request.body, encoding)),
      app.catalog,
    );
    markIfOwnTelemetry(points.map((point) => point.row.service_name));
    const stored = app.pipeline.accept(
      'metric_points',
      points.map(({ row }) => row),
      (logged) => countBrowserEvents(app.metrics, points, logged),
    );
    countDataPoints(app.metrics, points, stored, refused);
    const partialSuccess =
      refused.length === 0
        ? undefined
        : { rejectedDataPoints: refused.length, errorMessage: `data points refused: ${describePointRefusals(refused)}` };
    return answerOtlp(reply, encoding, MetricsResponse, partialSuccess);
  });

  // The Collector retries a 503 after its Retry-After, keeping the data in its own queue meanwhile.
  function refuseWhenFull(): void {
    if (app.pipeline.full) throw new SpoolFullError();
  }
};

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

export default otlpRoutes;
