// The spans of one `/v1/traces` request, accepted: each span's analytics event judged by its own
// visitor (judge-events.ts), the kept spans written to otel_traces, the events stored and counted
// (store-events.ts); what was refused is answered as the OTLP specification's partial success.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MappedSpan } from '../otlp/traces/span-rows.js';
import { judgeOtlpItems } from './judge-events.js';
import { otlpVisitors } from './otlp-visitors.js';
import { withPageOrigin } from './page-origin.js';
import { refusalMessage } from './refusal-hints.js';
import { storeEvents } from './store-events.js';

/** The partial success of a traces export: how many spans were refused and why; absent when none was. */
export type SpansPartialSuccess = {
  rejectedSpans: number;
  errorMessage: string;
};

export function acceptSpans(app: FastifyInstance, request: FastifyRequest, spans: readonly MappedSpan[]): SpansPartialSuccess | undefined {
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
    spans.filter((_, index) => kept.has(index)).map((span) => withPageOrigin(span.row, request.headers.origin)),
  );
  storeEvents(app, request.log, 'otlp', rows, refused);
  return refused.length === 0
    ? undefined
    : { rejectedSpans: refused.length, errorMessage: refusalMessage('spans', refused, (item) => app.refusedValues.hint(item)) };
}
