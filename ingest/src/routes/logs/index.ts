// `POST /v1/logs`: OTLP/HTTP logs, protobuf or JSON, plain or gzip. Log records that are analytics
// events (the OpenTelemetry event model) are stored as events; the others go to otel_logs.
import { gunzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { BadOtlpError, BodyTooLargeError, OtlpLimitExceededError, SpoolFullError } from '../../errors.js';
import type { EventRow } from '../../tables/index.js';
import { ATTR } from '@footfall/contract';
import { OtlpDecodeError } from '../../otlp/decode.js';
import { OtlpLimitError } from '../../otlp/limits.js';
import { decodeLogs, LogsResponse } from '../../otlp-logs/decode-logs.js';
import { mapLogRecords, type LogRow } from '../../otlp-logs/log-rows.js';
import { refusedValueOf } from '../../stats/refused-values.js';
import { storeEvents, type Refusal } from '../accepted-events.js';
import { markIfOwnTelemetry } from '../../telemetry/own-telemetry.js';
import { rateLimitConfig, type IngestRouteOptions } from '../ingest-route-options.js';
import { MAX_OTLP_BYTES, MAX_OTLP_DECOMPRESSED_BYTES } from '../otlp/index.js';
import { judgeOtlpItem, otlpVisitors } from '../otlp-visitor.js';

const PROTOBUF = 'application/x-protobuf';

const logsRoutes: FastifyPluginAsync<IngestRouteOptions> = async (app, options) => {
  // The same body handling as /v1/traces: gzip decompressed with a bound on the output.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', PROTOBUF], { parseAs: 'buffer' }, (request, raw, done) => {
    try {
      const body = decompress(request, raw as Buffer);
      done(null, isProtobuf(request) ? body : secureJson.parse(body));
    } catch (error) {
      done(error instanceof SyntaxError ? new BadOtlpError(`invalid JSON: ${error.message}`) : (error as Error), undefined);
    }
  });

  app.post('/v1/logs', { bodyLimit: MAX_OTLP_BYTES, config: { rateLimit: rateLimitConfig(options) } }, async (request, reply) => {
    // The Collector retries a 503 after its Retry-After, keeping the records in its own queue meanwhile.
    if (app.pipeline.full) throw new SpoolFullError();
    const encoding = isProtobuf(request) ? 'protobuf' : 'json';
    const decoded = decodeOr400(() => decodeLogs(request.body, encoding));
    // The service's own telemetry coming back through the Collector leaves no span of its handling.
    markIfOwnTelemetry(decoded.filter(({ scopes }) => scopes.length > 0).map(({ resource }) => String(resource[ATTR.serviceName] ?? '')));
    const records = mapLogRecords(decoded, app.catalog.eventTypes);
    app.metrics.logRecordsReceived.inc(records.length);

    const visitorOf = otlpVisitors(app, request);
    const logRows: LogRow[] = [];
    const eventRows: EventRow[] = [];
    const refused: Refusal[] = [];
    for (const record of records) {
      if (record.kind === 'log') {
        logRows.push(record.row);
        continue;
      }
      const outcome = judgeOtlpItem(record.event, visitorOf(record.userAgent), app.catalog);
      if (outcome.reason)
        refused.push({
          index: record.index,
          reason: outcome.reason,
          value: refusedValueOf(outcome.reason, record.event, request.headers.origin),
        });
      else if (outcome.row) eventRows.push(outcome.row);
    }

    app.pipeline.accept('otel_logs', logRows);
    storeEvents(app, request, 'otlp', eventRows, refused);
    // Partial success as the OTLP specification has it: the count refused and why; never retried.
    const partialSuccess = refused.length === 0 ? undefined : { rejectedLogRecords: refused.length, errorMessage: summarise(refused) };
    const message = partialSuccess ? { partialSuccess } : {};
    if (encoding === 'json') return reply.code(200).send(message);
    return reply
      .code(200)
      .type(PROTOBUF)
      .send(Buffer.from(LogsResponse.encode(LogsResponse.fromObject(message)).finish()));
  });
};

function isProtobuf(request: FastifyRequest): boolean {
  return request.headers['content-type']?.startsWith(PROTOBUF) ?? false;
}

function decompress(request: FastifyRequest, raw: Buffer): Buffer {
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined || encoding === 'identity') return raw;
  if (encoding !== 'gzip') {
    throw Object.assign(new Error(`content-encoding ${encoding} is not supported; use gzip or none`), { statusCode: 415 });
  }
  try {
    return gunzipSync(raw, { maxOutputLength: MAX_OTLP_DECOMPRESSED_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLargeError(MAX_OTLP_DECOMPRESSED_BYTES);
    throw new BadOtlpError(`invalid gzip: ${(error as Error).message}`);
  }
}

function decodeOr400<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw new BadOtlpError(error.message);
    if (error instanceof OtlpLimitError) throw new OtlpLimitExceededError(error.message);
    throw error;
  }
}

function summarise(refused: readonly Refusal[]): string {
  const counts = new Map<string, number>();
  for (const { reason } of refused) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return `log records refused: ${[...counts].map(([reason, count]) => `${count} ${reason}`).join(', ')}`;
}

export default logsRoutes;
