// The service observing itself: off unless an OTEL_* variable asks for an exporter; when on, its
// request, batch and INSERT spans and its metrics reach OTLP, and its own telemetry coming back
// to it leaves no span of its handling (no feedback loop) and is never visitor traffic.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ConsoleSpanExporter } from '@opentelemetry/sdk-trace';
import { freePort, ingestMetric, startIngest, waitUntil } from '@footfall/stack';
import { describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { selfTelemetryWanted } from '../src/telemetry/self-telemetry.js';
import { spanExporters } from '../src/telemetry/self-telemetry-sdk.js';
import { recordedImports, recordingImports } from './support/recorded-imports.js';
import { BROWSER_UA, beaconEvent } from './support/test-app.js';

describe('when self-telemetry is on', () => {
  it.each([
    [{}, false],
    [{ OTEL_SERVICE_NAME: 'ingest' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }, true],
    [{ OTEL_TRACES_EXPORTER: 'console' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }, false],
  ])('%j -> %s', (env, wanted) => {
    expect(selfTelemetryWanted(env)).toBe(wanted);
  });

  it('exports spans as OTEL_TRACES_EXPORTER and the OTLP protocol say', () => {
    const kinds = (env: NodeJS.ProcessEnv) => spanExporters(env).map((exporter) => exporter.constructor);
    expect(kinds({})).toEqual([ProtobufTraceExporter]);
    expect(kinds({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toEqual([JsonTraceExporter]);
    expect(kinds({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })).toEqual([GrpcTraceExporter]);
    expect(kinds({ OTEL_TRACES_EXPORTER: 'console,otlp' })).toEqual([ConsoleSpanExporter, ProtobufTraceExporter]);
    expect(kinds({ OTEL_TRACES_EXPORTER: 'none' })).toEqual([]);
    expect(() => spanExporters({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(
      'OTEL_TRACES_EXPORTER=jaeger is not supported here; use otlp, console or none',
    );
    expect(() => spanExporters({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http' })).toThrow(
      /not an OTLP protocol; use grpc, http\/protobuf or http\/json/,
    );
  });
});

describe('the service sending its telemetry to itself', () => {
  it('stores its request, batch and INSERT spans and its metrics, and no span of handling them', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'footfall-self-'));
    const importsFile = join(dataDir, 'imports.txt');
    const url = `http://127.0.0.1:${port}`;
    const service = await startIngest({
      port,
      dataDir,
      logFile: join(dataDir, 'ingest.log'),
      env: {
        BATCH_INTERVAL_MS: '50',
        RATE_LIMIT_PER_MINUTE: '0',
        RATE_LIMIT_OTLP_PER_MINUTE: '0',
        // Its own endpoints, the shortest loop there is: every export comes straight back.
        OTEL_EXPORTER_OTLP_ENDPOINT: url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_METRIC_EXPORT_TIMEOUT: '1000',
        OTEL_LOGS_EXPORTER: 'none',
        ...recordingImports(importsFile),
      },
    });
    const session = 'self-telemetry';
    try {
      const beacon = await fetch(`${url}/v1/beacon`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA },
        body: JSON.stringify({ site: 'portfolio', events: [beaconEvent({ session })] }),
      });
      expect(beacon.status).toBe(202);
      // Its spans and its metrics came back and were written.
      await waitUntil(
        'the service’s own spans and metrics to be written',
        async () =>
          (await ingestMetric(url, 'footfall_rows_written_total', { table: 'otel_traces' })) >= 3 &&
          (await ingestMetric(url, 'footfall_rows_written_total', { table: 'metric_points' })) > 0,
        { intervalMs: 100, timeoutMs: 60_000 },
      );
    } finally {
      expect(await service.stop()).toBe(0);
    }
    // Asked for, the SDK is loaded (imported only then: lazy-modules.test.ts).
    expect(recordedImports(importsFile).some((url) => url.includes('/@opentelemetry/sdk-node/'))).toBe(true);

    const client = await createClickHouse({ url: undefined, dataDir });
    try {
      const query = async <Row>(sql: string) => (await client.query({ query: sql, format: 'JSONEachRow' })).json<Row>();
      const spans = await query<{ SpanName: string; route: string; status: string; table: string; parent: string }>(
        `SELECT SpanName, SpanAttributes['http.route'] AS route, SpanAttributes['http.response.status_code'] AS status,
                SpanAttributes['db.collection.name'] AS table, ParentSpanId AS parent
         FROM otel_traces WHERE ServiceName = 'footfall-ingest'`,
      );
      const names = new Set(spans.map((span) => span.SpanName));
      expect(names).toContain('POST /v1/beacon');
      expect(spans.find((span) => span.SpanName === 'POST /v1/beacon')).toMatchObject({ route: '/v1/beacon', status: '202', parent: '' });
      expect(spans.filter((span) => span.SpanName === 'footfall.batch.write').map((span) => span.table)).toContain('events');
      expect(names).toContain('INSERT events');
      // No feedback loop: handling its own telemetry, and writing it, left no span.
      expect(spans.filter((span) => span.route.startsWith('/v1/traces') || span.route.startsWith('/v1/metrics'))).toEqual([]);
      expect(spans.filter((span) => span.table !== '' && span.table !== 'events')).toEqual([]);

      const metrics = await query<{ name: string }>(
        `SELECT DISTINCT name FROM metric_points WHERE service_name = 'footfall-ingest' ORDER BY name`,
      );
      expect(metrics.map((metric) => metric.name)).toContain('footfall.clickhouse.insert.duration');

      // Its own telemetry is not visitor traffic: the one event is the beacon's.
      const events = await query<{ session_id: string }>('SELECT session_id FROM events');
      expect(events).toEqual([{ session_id: session }]);
    } finally {
      await client.close();
    }
  });
});
