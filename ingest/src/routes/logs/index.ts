// `POST /v1/logs`: OTLP/HTTP logs, protobuf or JSON, plain or gzip, decoded and mapped (otlp/logs),
// handed to accept/ (records that are analytics events become events, the others otel_logs rows),
// answered with the partial success accept/ returns.
import type { FastifyPluginAsync } from 'fastify';
import { ATTR } from '@footfall/contract';
import { acceptLogRecords } from '../../accept/accept-log-records.js';
import { SpoolFullError } from '../../errors.js';
import { decodeLogs } from '../../otlp/logs/decode-logs.js';
import { LogsResponse } from '../../otlp/proto/otlp-proto.js';
import { mapLogRecords } from '../../otlp/logs/log-rows.js';
import { markIfSelfTelemetry } from '../../telemetry/self-telemetry-loop.js';
import type { SharedLimitRouteOptions } from '../ingest-route-options.js';
import { acceptOtlpBodies, answerOtlp, decodeOr400, encodingOf, MAX_OTLP_BYTES } from '../otlp-http.js';

/** The rate limit is the bucket `/v1/traces` and `/v1/metrics` share: one allowance per client for the whole OTLP surface. */
const logsRoutes: FastifyPluginAsync<SharedLimitRouteOptions> = async (app, options) => {
  acceptOtlpBodies(app);

  const onRequest = options.rateLimit ? [options.rateLimit] : [];
  app.post('/v1/logs', { bodyLimit: MAX_OTLP_BYTES, onRequest }, async (request, reply) => {
    // The Collector retries a 503 after its Retry-After, keeping the records in its own queue meanwhile.
    if (app.pipeline.full) throw new SpoolFullError();
    const encoding = encodingOf(request);
    const decoded = decodeOr400(() => decodeLogs(request.body, encoding));
    // The service's self-telemetry coming back through the Collector leaves no span of its handling.
    markIfSelfTelemetry(decoded.filter(({ scopes }) => scopes.length > 0).map(({ resource }) => String(resource[ATTR.serviceName] ?? '')));
    const records = mapLogRecords(decoded, app.catalog.eventTypes);
    return answerOtlp(reply, encoding, LogsResponse, acceptLogRecords(app, request, records));
  });
};

export default logsRoutes;
