// Bundled for Chromium by browser-interop.test.ts: the OpenTelemetry JS exporters' browser builds
// (OTLP/HTTP with JSON or protobuf) sending one interop case, as a page's SDK would.
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { exportCase, type CaseExporters, type CaseVisit } from '../../../ingest/test/support/interop-telemetry.js';

export interface BrowserCase {
  marker: string;
  /** Where OTLP goes: the ingest service or the Collector; /v1/<signal> is appended. */
  base: string;
  encoding: 'json' | 'protobuf';
  visit: CaseVisit;
}

function exportersFor({ base, encoding }: BrowserCase): CaseExporters {
  const url = (signal: string) => `${base}/v1/${signal}`;
  if (encoding === 'json') {
    return {
      traces: new JsonTraceExporter({ url: url('traces') }),
      metrics: new JsonMetricExporter({ url: url('metrics') }),
      logs: new JsonLogExporter({ url: url('logs') }),
    };
  }
  return {
    traces: new ProtobufTraceExporter({ url: url('traces') }),
    metrics: new ProtobufMetricExporter({ url: url('metrics') }),
    logs: new ProtobufLogExporter({ url: url('logs') }),
  };
}

/** Sends a case and answers 'sent', or what failed (a page cannot throw across evaluate). */
async function runCase(browserCase: BrowserCase): Promise<string> {
  try {
    await exportCase(browserCase.marker, exportersFor(browserCase), browserCase.visit);
    return 'sent';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

(globalThis as unknown as { runCase: typeof runCase }).runCase = runCase;
