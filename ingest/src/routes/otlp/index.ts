import { gunzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { BadOtlpError, BodyTooLargeError, OtlpLimitExceededError, SpoolFullError } from '../../errors.js';
import type { RefusalReason } from '../../events/event-row.js';
import type { EventRow, TraceRow } from '../../tables/index.js';
import { senderOf } from '../../events/sender.js';
import { toEventRow, type Sender } from '../../events/to-event-row.js';
import { decodeMetrics, decodeTraces, MetricsResponse, OtlpDecodeError, TraceResponse } from '../../otlp/decode.js';
import { OtlpLimitError } from '../../otlp/limits.js';
import { MAX_BROWSER_COUNT_PER_POINT, mapMetricPoints, type PointRefusal } from '../../otlp/metric-rows.js';
import { mapSpans } from '../../otlp/span-rows.js';
import { refusedValueOf } from '../../stats/refused-values.js';
import { markIfOwnTelemetry } from '../../telemetry/own-telemetry.js';
import { storeEvents, type Refusal } from '../accepted-events.js';
import { rateLimitConfig, type IngestRouteOptions } from '../ingest-route-options.js';

export const MAX_OTLP_BYTES = 4 * 1024 * 1024;
export const MAX_OTLP_DECOMPRESSED_BYTES = 16 * 1024 * 1024;
const PROTOBUF = 'application/x-protobuf';

type Encoding = 'protobuf' | 'json';

/** `POST /v1/traces` and `POST /v1/metrics`: OTLP/HTTP, protobuf or JSON, plain or gzip. */
const otlpRoutes: FastifyPluginAsync<IngestRouteOptions> = async (app, options) => {
  // Request bodies may be gzip (the Collector's default). Decompressed here, with a bound on the
  // output, so a small bomb cannot take the memory.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', PROTOBUF], { parseAs: 'buffer' }, (request, raw, done) => {
    try {
      const body = decompress(request, raw as Buffer);
      done(null, request.headers['content-type']?.startsWith(PROTOBUF) ? body : secureJson.parse(body));
    } catch (error) {
      done(error instanceof SyntaxError ? new BadOtlpError(`invalid JSON: ${error.message}`) : (error as Error), undefined);
    }
  });

  const routeOptions = { bodyLimit: MAX_OTLP_BYTES, config: { rateLimit: rateLimitConfig(options) } };

  app.post('/v1/traces', routeOptions, async (request, reply) => {
    refuseWhenFull();
    const encoding = encodingOf(request);
    const spans = mapSpans(decodeOr400(() => decodeTraces(request.body, encoding)));
    // The service's own spans coming back through the Collector: no span of their handling.
    markIfOwnTelemetry(spans.map((span) => span.row.ServiceName));
    app.metrics.spansReceived.inc(spans.length);

    const senders = new Map<string, ReturnType<typeof senderOf>>();
    const traceRows: TraceRow[] = [];
    const eventRows: EventRow[] = [];
    const refused: Refusal[] = [];
    spans.forEach((span, index) => {
      // The visitor's agent only (span or resource): the request's User-Agent is the exporter's or
      // the Collector's and never makes a visitor a bot (routes/otlp-visitor.ts says the same for logs).
      const userAgent = span.userAgent ?? '';
      let judged = senders.get(userAgent);
      if (!judged) senders.set(userAgent, (judged = senderOf(request, 'otlp', undefined, app.senders, userAgent)));
      const outcome = judgeSpan(span.event, judged, app.catalog);
      if ('reason' in outcome) return refused.push({ index, reason: outcome.reason, value: refusedValueOf(outcome.reason, span.event, request.headers.origin) });
      if (outcome.row) eventRows.push(outcome.row);
      traceRows.push(span.row);
    });

    app.pipeline.accept('otel_traces', traceRows);
    storeEvents(app, request, 'otlp', eventRows, refused);
    return answer(reply, encoding, TraceResponse, refused.length === 0 ? undefined : {
      rejectedSpans: refused.length,
      errorMessage: summarise(refused),
    });
  });

  app.post('/v1/metrics', routeOptions, async (request, reply) => {
    refuseWhenFull();
    const encoding = encodingOf(request);
    const { points, refused } = mapMetricPoints(decodeOr400(() => decodeMetrics(request.body, encoding)), app.catalog);
    markIfOwnTelemetry(points.map((point) => point.row.service_name));
    const stored = new Set(app.pipeline.accept('metric_points', points.map(({ row }) => row)));
    for (const { row, browserCount } of points) {
      if (browserCount && stored.has(row)) {
        app.metrics.browserEvents.inc({ site: browserCount.site, type: browserCount.type, object: browserCount.object }, browserCount.value);
      }
    }
    const duplicates = points.length - stored.size;
    if (duplicates > 0) app.metrics.eventsDuplicate.inc({ source: 'otlp' }, duplicates);
    const reasons = countReasons(refused);
    for (const [reason, count] of reasons) app.metrics.eventsRefused.inc({ reason, source: 'otlp' }, count);
    return answer(reply, encoding, MetricsResponse, refused.length === 0 ? undefined : {
      rejectedDataPoints: refused.length,
      errorMessage: `data points refused: ${[...reasons].map(([reason, count]) => `${count} ${POINT_REFUSALS[reason]}`).join(', ')}`,
    });
  });

  // The Collector retries a 503 after its Retry-After, keeping the data in its own queue meanwhile.
  function refuseWhenFull(): void {
    if (app.pipeline.full) throw new SpoolFullError();
  }
};

/** A span is stored unless its sender or the event it carries is refused. */
function judgeSpan(
  event: unknown,
  judged: ReturnType<typeof senderOf>,
  catalog: Parameters<typeof toEventRow>[1],
): { row: EventRow | undefined } | { reason: RefusalReason } {
  if (judged.refusal === 'bot') return { reason: 'bot' };
  if (event === undefined) return { row: undefined };
  if (judged.refusal) return { reason: judged.refusal };
  const checked = toEventRow(event, catalog, judged.sender as Sender);
  return checked.row ? { row: checked.row } : { reason: checked.reason };
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

function encodingOf(request: FastifyRequest): Encoding {
  return request.headers['content-type']?.startsWith(PROTOBUF) ? 'protobuf' : 'json';
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

/** The export response in the request's encoding, with `partial_success` when something was refused. */
function answer(
  reply: FastifyReply,
  encoding: Encoding,
  type: typeof TraceResponse,
  partialSuccess: Record<string, unknown> | undefined,
) {
  const message = partialSuccess ? { partialSuccess } : {};
  if (encoding === 'json') return reply.code(200).send(message);
  return reply.code(200).type(PROTOBUF).send(Buffer.from(type.encode(type.fromObject(message)).finish()));
}

function summarise(refused: readonly Refusal[]): string {
  const counts = countReasons(refused.map(({ reason }) => reason));
  return `spans refused: ${[...counts].map(([reason, count]) => `${count} ${reason}`).join(', ')}`;
}

const POINT_REFUSALS: Record<PointRefusal, string> = {
  unknown_site: 'unknown_site (a site the catalog lacks)',
  invalid_value: `invalid_value (NaN or infinite, a counter going down, or a browser count that is not a whole number from 0 to ${MAX_BROWSER_COUNT_PER_POINT})`,
};

function countReasons<Reason extends string>(reasons: readonly Reason[]): Map<Reason, number> {
  const counts = new Map<Reason, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return counts;
}

export default otlpRoutes;
