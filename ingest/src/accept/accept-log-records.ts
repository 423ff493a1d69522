// The log records of one `/v1/logs` request, accepted: records that are analytics events (the
// OpenTelemetry event model) judged by their own visitor and stored as events, the others written
// to otel_logs; what was refused is answered as the OTLP specification's partial success.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LogRow, MappedLogRecord } from '../otlp/logs/log-rows.js';
import { judgeOtlpItems, type OtlpItem } from './judge-events.js';
import { otlpVisitors } from './otlp-visitors.js';
import { withPageOrigin } from './page-origin.js';
import { refusalMessage } from './refusal-hints.js';
import { storeEvents } from './store-events.js';

/** The partial success of a logs export: how many records were refused and why; absent when none was. */
export type LogsPartialSuccess = {
  rejectedLogRecords: number;
  errorMessage: string;
};

export function acceptLogRecords(
  app: FastifyInstance,
  request: FastifyRequest,
  records: readonly MappedLogRecord[],
): LogsPartialSuccess | undefined {
  app.metrics.logRecordsReceived.inc(records.length);
  const logRows: LogRow[] = [];
  const items: OtlpItem[] = [];
  const pageOrigin = request.headers.origin;
  for (const record of records) {
    if (record.kind === 'log') logRows.push(withPageOrigin(record.row, pageOrigin));
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
  // Never retried: the count refused and why.
  return refused.length === 0
    ? undefined
    : {
        rejectedLogRecords: refused.length,
        errorMessage: refusalMessage('log records', refused, (item) => app.refusedValues.hint(item)),
      };
}
