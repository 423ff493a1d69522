// The interop matrix through the Collector, as `npm run stack` runs it: the OpenTelemetry JS trace,
// metric and log exporters over OTLP/HTTP (JSON, protobuf) and gRPC send to our built Collector,
// which forwards to the ingest service. Every item is stored exactly once though every request is
// sent twice, none is refused, log records are cleaned like spans; and the ingest service's own
// spans, sent to the same Collector, land in its otel_traces.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { freePorts, ingestMetric, NativeStack, waitUntil, type StackPorts } from '@footfall/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../../ingest/src/clickhouse/client.js';
import { BROWSER_UA } from '../../ingest/test/support/test-app.js';
import {
  caseCounts,
  CLICKS_PER_CASE,
  exportCase,
  STORED_PER_CASE,
  type CaseExporters,
} from '../../ingest/test/support/interop-telemetry.js';

const scratch = mkdtempSync(join(tmpdir(), 'footfall-interop-'));
let stack: NativeStack | undefined;
let ports: StackPorts;

const CASES: Array<[string, string, (ports: StackPorts) => CaseExporters]> = [
  [
    'http-json',
    'guitar',
    ({ otlpHttp }) => ({
      traces: new JsonTraceExporter({ url: `http://127.0.0.1:${otlpHttp}/v1/traces` }),
      metrics: new JsonMetricExporter({ url: `http://127.0.0.1:${otlpHttp}/v1/metrics` }),
      logs: new JsonLogExporter({ url: `http://127.0.0.1:${otlpHttp}/v1/logs` }),
    }),
  ],
  [
    'http-protobuf',
    'bookshelf',
    ({ otlpHttp }) => ({
      traces: new ProtobufTraceExporter({ url: `http://127.0.0.1:${otlpHttp}/v1/traces` }),
      metrics: new ProtobufMetricExporter({ url: `http://127.0.0.1:${otlpHttp}/v1/metrics` }),
      logs: new ProtobufLogExporter({ url: `http://127.0.0.1:${otlpHttp}/v1/logs` }),
    }),
  ],
  [
    'grpc',
    'laptop',
    ({ otlpGrpc }) => ({
      traces: new GrpcTraceExporter({ url: `http://127.0.0.1:${otlpGrpc}` }),
      metrics: new GrpcMetricExporter({ url: `http://127.0.0.1:${otlpGrpc}` }),
      logs: new GrpcLogExporter({ url: `http://127.0.0.1:${otlpGrpc}` }),
    }),
  ],
];

beforeAll(async () => {
  ports = await freePorts();
  stack = new NativeStack({
    baseDir: scratch,
    ports,
    corsOrigins: ['http://127.0.0.1:5173'],
    selfTelemetry: true,
    ingestEnv: {
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_OTLP_PER_MINUTE: '0',
      BATCH_INTERVAL_MS: '200',
      // Its own spans and metrics leave soon, so the test need not wait for the defaults.
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '2000',
      OTEL_LOGS_EXPORTER: 'none',
    },
    collectorEnv: { COLLECTOR_BATCH_TIMEOUT: '200ms' },
  });
  await stack.startAll();
}, 180_000);

afterAll(async () => {
  await stack?.stopAll();
  if (!process.env.FOOTFALL_KEEP_TEST_DATA) rmSync(scratch, { recursive: true, force: true });
});

describe('OpenTelemetry JS exporters through the Collector to the ingest service', () => {
  it('sends every case: traces, metrics and logs over OTLP/HTTP JSON, protobuf and gRPC, each request twice', async () => {
    for (const [name, object, exporters] of CASES) {
      await exportCase(`collector-${name}`, exporters(ports), { userAgent: BROWSER_UA, clickedObject: object });
    }
    const ingest = stack!.urls.ingest;
    // The counter points arrive once each; the spans of the cases are 2 rows each, so rows past
    // those in otel_traces are the ingest service's own spans, come back through the Collector.
    await waitUntil(
      'every case and some of the ingest service’s own spans to be written',
      async () => {
        for (const [, object] of CASES) {
          if ((await ingestMetric(ingest, 'footfall_browser_events_total', { object })) < CLICKS_PER_CASE) return false;
        }
        const interopEvents = await ingestMetric(ingest, 'footfall_events_accepted_total', { source: 'otlp' });
        const traceRows = await ingestMetric(ingest, 'footfall_rows_written_total', { table: 'otel_traces' });
        return interopEvents >= CASES.length * STORED_PER_CASE.events && traceRows > CASES.length * STORED_PER_CASE.otel_traces;
      },
      { intervalMs: 250, timeoutMs: 60_000 },
    );
    for (const [, object] of CASES) {
      expect(await ingestMetric(ingest, 'footfall_browser_events_total', { object }), object).toBe(CLICKS_PER_CASE);
    }
    expect(await ingestMetric(ingest, 'footfall_events_accepted_total', { source: 'otlp' })).toBe(CASES.length * STORED_PER_CASE.events);
    expect(await ingestMetric(ingest, 'footfall_events_refused_total', {})).toBe(0);
  });

  it('stored each item exactly once, cleaned log records, and the ingest service’s own spans in otel_traces', async () => {
    // Stopped first (the Collector, then the ingest service), so ClickHouse holds everything and
    // the embedded engine's files are free to open here.
    await stack!.stopAll();
    const client = await createClickHouse({ url: undefined, dataDir: join(scratch, 'ingest') });
    try {
      const count = async (query: string) =>
        Number((await (await client.query({ query, format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n);
      for (const [name] of CASES) {
        const counts = caseCounts(`collector-${name}`);
        for (const table of Object.keys(STORED_PER_CASE) as Array<keyof typeof STORED_PER_CASE>) {
          expect(await count(counts[table]), `${name} ${table}`).toBe(STORED_PER_CASE[table]);
        }
      }
      // The Collector removed the client address from log records, as from spans.
      expect(await count(`SELECT count() AS n FROM otel_logs WHERE mapContains(LogAttributes, 'client.address')`)).toBe(0);

      const own = await (
        await client.query({
          query: `SELECT DISTINCT SpanName FROM otel_traces WHERE ServiceName = 'footfall-ingest' ORDER BY SpanName`,
          format: 'JSONEachRow',
        })
      ).json<{ SpanName: string }>();
      const names = own.map((row) => row.SpanName);
      // Its handling of the cases' requests and its writes, never of its own telemetry.
      expect(names).toContain('footfall.batch.write');
      expect(names.filter((name) => name.startsWith('POST /v1/')).length).toBeGreaterThan(0);
      expect(
        await count(
          `SELECT count() AS n FROM otel_traces WHERE ServiceName = 'footfall-ingest' AND SpanAttributes['footfall.own_telemetry'] = 'true'`,
        ),
      ).toBe(0);
      // Its own telemetry is never visitor traffic.
      expect(await count(`SELECT count() AS n FROM events WHERE session_id NOT LIKE 'collector-%'`)).toBe(0);
    } finally {
      await client.close();
    }
  });
});
