import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus series the service exports (docs/metrics.md). Label values come
 * only from bounded sets: the catalog, refusal reasons, route patterns, table names.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    eventsAccepted: new Counter({
      name: 'footfall_events_accepted_total',
      help: 'Analytics events accepted, by site, type and source',
      labelNames: ['site', 'type', 'source'] as const,
      registers,
    }),
    eventsRefused: new Counter({
      name: 'footfall_events_refused_total',
      help: 'Events, spans or data points refused, by reason and source',
      labelNames: ['reason', 'source'] as const,
      registers,
    }),
    eventsDuplicate: new Counter({
      name: 'footfall_events_duplicate_total',
      help: 'Events, spans or data points already stored, recognised by their id and skipped',
      labelNames: ['source'] as const,
      registers,
    }),
    objectClicks: new Counter({
      name: 'footfall_object_clicks_total',
      help: 'object_click events accepted, by catalog object',
      labelNames: ['site', 'object'] as const,
      registers,
    }),
    linkClicksNotStored: new Counter({
      name: 'footfall_link_clicks_not_stored_total',
      help: 'Followed links not stored, by site and link: internal (a page of the site: its page view records the step) or not_web (mailto:, tel:)',
      labelNames: ['site', 'link'] as const,
      registers,
    }),
    privacySignals: new Counter({
      name: 'footfall_privacy_signals_total',
      help: 'Requests carrying Do Not Track or Global Privacy Control, by signal and what was done',
      labelNames: ['signal', 'action'] as const,
      registers,
    }),
    browserEvents: new Counter({
      name: 'footfall_browser_events_total',
      help: 'Sum of the portfolio.events counter reported by browsers over OTLP',
      labelNames: ['site', 'type', 'object'] as const,
      registers,
    }),
    spansReceived: new Counter({
      name: 'footfall_spans_received_total',
      help: 'Spans received over OTLP',
      registers,
    }),
    // Items kept as telemetry that no figure counts: a site pointing its OpenTelemetry here and
    // seeing nothing on its page learns why (docs/otel-existing.md).
    otlpNotAnalytic: new Counter({
      name: 'footfall_otlp_items_not_analytic_total',
      help: 'Spans and log records received over OTLP and stored, carrying no analytics event',
      labelNames: ['signal'] as const,
      registers,
    }),
    logRecordsReceived: new Counter({
      name: 'footfall_log_records_received_total',
      help: 'Log records received over OTLP (/v1/logs)',
      registers,
    }),
    batchesWritten: new Counter({
      name: 'footfall_batches_written_total',
      help: 'Batches written to ClickHouse',
      labelNames: ['table'] as const,
      registers,
    }),
    rowsWritten: new Counter({
      name: 'footfall_rows_written_total',
      help: 'Rows written to ClickHouse',
      labelNames: ['table'] as const,
      registers,
    }),
    writeDuration: new Histogram({
      name: 'footfall_write_duration_seconds',
      help: 'Time to write one batch to ClickHouse',
      labelNames: ['table'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    writeFailures: new Counter({
      name: 'footfall_write_failures_total',
      help: 'Failed attempts to write a batch to ClickHouse (the batch stays in the spool and is retried)',
      labelNames: ['table'] as const,
      registers,
    }),
    batchesQuarantined: new Counter({
      name: 'footfall_batches_quarantined_total',
      help: 'Batches holding rows ClickHouse refused for their content (those rows only are set aside under DATA_DIR/wal/<table>/rejected)',
      labelNames: ['table'] as const,
      registers,
    }),
    rowsQuarantined: new Counter({
      name: 'footfall_rows_quarantined_total',
      help: 'Rows ClickHouse refused for their content, set aside under DATA_DIR/wal/<table>/rejected (the rest of their batch was written)',
      labelNames: ['table'] as const,
      registers,
    }),
    stringsRepaired: new Counter({
      name: 'footfall_strings_repaired_total',
      help: 'Strings accepted with lone UTF-16 surrogates, each replaced by U+FFFD so ClickHouse can store them',
      labelNames: ['table'] as const,
      registers,
    }),
    bufferRows: new Gauge({
      name: 'footfall_buffer_rows',
      help: 'Rows accepted and not yet written to ClickHouse',
      labelNames: ['table'] as const,
      registers,
    }),
    spoolBytes: new Gauge({
      name: 'footfall_spool_bytes',
      help: 'Bytes in the write-ahead log waiting for ClickHouse',
      registers,
    }),
    spoolSegments: new Gauge({
      name: 'footfall_spool_segments',
      help: 'Sealed write-ahead log segments waiting for ClickHouse',
      registers,
    }),
    httpRequests: new Counter({
      name: 'footfall_http_requests_total',
      help: 'HTTP requests, by route pattern, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'footfall_http_request_duration_seconds',
      help: 'HTTP request duration, by route pattern and method',
      labelNames: ['route', 'method'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
