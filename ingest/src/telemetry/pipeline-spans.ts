// Spans and metrics of the write path: one span per batch written to ClickHouse, with one child
// per INSERT (a batch ClickHouse refuses rows of is split into several). Through the OpenTelemetry
// API only: without the SDK started (self-telemetry off) these cost a no-op call.
import { context, metrics, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { inSelfTelemetryWork, withSelfTelemetryWork } from './self-telemetry-loop.js';

const SCOPE = '@footfall/ingest';
const tracer = trace.getTracer(SCOPE);

/**
 * The instruments, made at the first insert: the metrics API has no proxy, so a meter taken when
 * this module loads (before the SDK starts) would stay a no-op for good.
 */
let instruments: ReturnType<typeof makeInstruments> | undefined;

function makeInstruments() {
  const meter = metrics.getMeter(SCOPE);
  return {
    insertDuration: meter.createHistogram('footfall.clickhouse.insert.duration', {
      description: 'How long one INSERT of a batch into ClickHouse took',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] },
    }),
    rowsWritten: meter.createCounter('footfall.pipeline.rows.written', {
      description: 'Rows written to ClickHouse, by table',
      unit: '{row}',
    }),
  };
}

/** Runs the writing of one batch in a span; a batch holding only the service's self-telemetry gets none. */
export function traceBatchWrite<T>(table: string, rows: number, ownOnly: boolean, write: () => Promise<T>): Promise<T> {
  if (ownOnly) return withSelfTelemetryWork(write);
  return tracer.startActiveSpan(
    'footfall.batch.write',
    { root: true, attributes: { 'db.system.name': 'clickhouse', 'db.collection.name': table, 'footfall.batch.rows': rows } },
    (span) => settle(span, write()),
  );
}

/**
 * Runs one INSERT (which answers how it ended: 'written', or why not) in a span, and records its
 * duration by outcome. An insert that did not write marks its span as an error.
 */
export async function traceInsert<Outcome extends string>(table: string, rows: number, insert: () => Promise<Outcome>): Promise<Outcome> {
  const started = performance.now();
  const record = (outcome: Outcome) => {
    instruments ??= makeInstruments();
    const { insertDuration, rowsWritten } = instruments;
    insertDuration.record((performance.now() - started) / 1000, { 'db.collection.name': table, 'footfall.outcome': outcome });
    if (outcome === 'written') rowsWritten.add(rows, { 'db.collection.name': table });
    return outcome;
  };
  // Own work, or an insert outside a batch span: measured, not traced.
  if (inSelfTelemetryWork() || trace.getSpan(context.active()) === undefined) return record(await insert());
  return tracer.startActiveSpan(
    `INSERT ${table}`,
    { attributes: { 'db.system.name': 'clickhouse', 'db.operation.name': 'INSERT', 'db.collection.name': table, 'footfall.rows': rows } },
    async (span) => {
      const outcome = record(await settle(span, insert(), false));
      span.setAttribute('footfall.outcome', outcome);
      if (outcome !== 'written') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      span.end();
      return outcome;
    },
  );
}

/** Ends the span when the work throws (with an error status), and when it succeeds unless told not to. */
async function settle<T>(span: Span, work: Promise<T>, endOnSuccess = true): Promise<T> {
  let result: T;
  try {
    result = await work;
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    span.end();
    throw error;
  }
  if (endOnSuccess) span.end();
  return result;
}
