// `POST /v1/traces` and `POST /v1/metrics`: OTLP/HTTP bodies decoded and mapped to rows (otlp/),
// handed to accept/ (each span judged by its own visitor, data points refused one by one where
// their numbers cannot be true), answered with the partial success accept/ returns.
import type { FastifyPluginAsync } from 'fastify';
import { acceptDataPoints } from '../../accept/accept-data-points.js';
import { acceptSpans } from '../../accept/accept-spans.js';
import { SpoolFullError } from '../../errors.js';
import { decodeMetrics } from '../../otlp/metrics/decode-metrics.js';
import { MetricsResponse, TraceResponse } from '../../otlp/proto/otlp-proto.js';
import { decodeTraces } from '../../otlp/traces/decode-traces.js';
import { mapMetricPoints } from '../../otlp/metrics/metric-rows.js';
import { mapSpans } from '../../otlp/traces/span-rows.js';
import { markIfSelfTelemetry } from '../../telemetry/self-telemetry-loop.js';
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
    markIfSelfTelemetry(spans.map((span) => span.row.ServiceName));
    return answerOtlp(reply, encoding, TraceResponse, acceptSpans(app, request, spans));
  });

  app.post('/v1/metrics', routeOptions, async (request, reply) => {
    refuseWhenFull();
    const encoding = encodingOf(request);
    const { points, refused } = mapMetricPoints(
      decodeOr400(() => decodeMetrics(request.body, encoding)),
      app.catalog,
    );
    markIfSelfTelemetry(points.map((point) => point.row.service_name));
    return answerOtlp(reply, encoding, MetricsResponse, acceptDataPoints(app, points, refused));
  });

  // The Collector retries a 503 after its Retry-After, keeping the data in its own queue meanwhile.
  function refuseWhenFull(): void {
    if (app.pipeline.full) throw new SpoolFullError();
  }
};

export default otlpRoutes;
