// The interop matrix, straight in: the OpenTelemetry JS trace, metric and log exporters, over
// OTLP/HTTP with JSON and with protobuf (plain and gzip), send to the ingest service listening on a
// real port. Every item is stored exactly once, though every request is sent twice, and none is
// refused. (gRPC goes through the Collector: collector/test/interop.test.ts.)
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { ingestMetric } from '@footfall/stack';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseCounts, CLICKS_PER_CASE, exportCase, STORED_PER_CASE, type CaseExporters } from './support/interop-telemetry.js';
import { BROWSER_UA, countOf, testApp } from './support/test-app.js';

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = await testApp();
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
});

const CASES: Array<[string, string, (url: (signal: string) => string) => CaseExporters]> = [
  [
    'http-json',
    'guitar',
    (url) => ({
      traces: new JsonTraceExporter({ url: url('traces') }),
      metrics: new JsonMetricExporter({ url: url('metrics') }),
      logs: new JsonLogExporter({ url: url('logs') }),
    }),
  ],
  [
    'http-protobuf',
    'bookshelf',
    (url) => ({
      traces: new ProtobufTraceExporter({ url: url('traces') }),
      metrics: new ProtobufMetricExporter({ url: url('metrics') }),
      logs: new ProtobufLogExporter({ url: url('logs') }),
    }),
  ],
  [
    'http-protobuf-gzip',
    'laptop',
    (url) => ({
      traces: new ProtobufTraceExporter({ url: url('traces'), compression: CompressionAlgorithm.GZIP }),
      metrics: new ProtobufMetricExporter({ url: url('metrics'), compression: CompressionAlgorithm.GZIP }),
      logs: new ProtobufLogExporter({ url: url('logs'), compression: CompressionAlgorithm.GZIP }),
    }),
  ],
];

describe('OpenTelemetry JS exporters straight to the ingest service', () => {
  it.each(CASES)('%s: traces, metrics and logs stored exactly once, none refused', async (name, object, exporters) => {
    const marker = `direct-${name}`;
    await exportCase(
      marker,
      exporters((signal) => `${base}/v1/${signal}`),
      { userAgent: BROWSER_UA, clickedObject: object },
    );
    const counts = caseCounts(marker);
    for (const table of Object.keys(STORED_PER_CASE) as Array<keyof typeof STORED_PER_CASE>) {
      expect(await countOf(app, counts[table]), table).toBe(STORED_PER_CASE[table]);
    }
    expect(await ingestMetric(base, 'footfall_browser_events_total', { object })).toBe(CLICKS_PER_CASE);
    expect(await ingestMetric(base, 'footfall_events_refused_total', {})).toBe(0);
  });
});
