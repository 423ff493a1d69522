// `POST /v1/logs`: OTLP/HTTP logs, protobuf or JSON, plain or gzip. Log records that are analytics
// events (the OpenTelemetry event model) are stored as events; the others go to otel_logs.
import type { FastifyPluginAsync } from 'fastify';
import { ATTR } from '@footfall/contract';
import { judgeOtlpItems, type OtlpItem } from '../../accept/judge-events.js';
import { otlpVisitors } from '../../accept/otlp-visitors.js';
import { summariseReasons } from '../../accept/refusals.js';
import { storeEvents } from '../../accept/store-events.js';
import { SpoolFullError } from '../../errors.js';
import { decodeLogs } from '../../otlp/logs/decode-logs.js';
import { LogsResponse } from '../../otlp/proto/otlp-proto.js';
import { mapLogRecords, type LogRow } from '../../otlp/logs/log-rows.js';
import { markIfOwnTelemetry } from '../../telemetry/own-telemetry.js';
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
    // The service's own telemetry coming back through the Collector leaves no span of its handling.
    markIfOwnTelemetry(decoded.filter(({ scopes }) => scopes.length > 0).map(({ resource }) => String(resource[ATTR.serviceName] ?? '')));
    const records = mapLogRecords(decoded, app.catalog.eventTypes);
    app.metrics.logRecordsReceived.inc(records.length);

    const logRows: LogRow[] = [];
    const items: OtlpItem[] = [];
    for (const record of records) {
      if (record.kind === 'log') logRows.push(record.row);
      else items.push(record);
    }
    const { rows, refused } = judgeOtlpItems(items, {
      visitorOf: otlpVisitors(app, request),
      catalog: app.catalog,
      origin: request.headers.origin,
    });
    app.pipeline.accept('otel_logs', logRows);
    // Log lines are stored, and no figure counts them: counted so a silent page can be explained.
    if (logRows.length > 0) app.metrics.otlpNotAnalytic.inc({ signal: 'logs' }, logRows.length);
    storeEvents(app, request.log, 'otlp', rows, refused);
    // Partial success as the OTLP specification has it: the count refused and why; never retried.
    const partialSuccess =
      refused.length === 0
        ? undefined
        : {
            rejectedLogRecords: refused.length,
            errorMessage: `log records refused: ${summariseReasons(refused.map(({ reason }) => reason))}`,
          };
    return answerOtlp(reply, encoding, LogsResponse, partialSuccess);
  });
};

export default logsRoutes;
