// The OpenTelemetry Node SDK as the service starts it for its self-telemetry (self-telemetry.ts
// decides whether it is wanted). A module of its own, imported only when it is: the SDK and its
// exporters are about 20 MiB of JavaScript heap that a service without self-telemetry never needs.
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, ConsoleSpanExporter, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SelfTelemetry } from './self-telemetry.js';
import { DEFAULT_SERVICE_NAME, SelfTelemetryFilter, recogniseSelfTelemetry } from './self-telemetry-loop.js';

/**
 * How long stopping waits for the last spans and metrics to leave. Self-telemetry must never hold
 * up a stop: in the stack the Collector stops first, and the exporter would retry for its whole
 * timeout (10 s). What has not left by then is dropped; it is only the service's self-telemetry.
 */
const SHUTDOWN_TIMEOUT_MS = 1000;

/** Scrapes and probes: a span every few seconds that says nothing about the pipeline. */
const UNTRACED_PATHS = ['/metrics', '/healthz', '/readyz'];

/**
 * Starts the SDK: request spans from @fastify/otel (route and status), the pipeline's batch and
 * INSERT spans, and its metrics, exported as OTEL_* say.
 */
export function startSdk(env: NodeJS.ProcessEnv): SelfTelemetry {
  // The SDK reads the name from the environment; ours when the operator names none.
  env.OTEL_SERVICE_NAME ||= DEFAULT_SERVICE_NAME;
  recogniseSelfTelemetry(env.OTEL_SERVICE_NAME);

  const sdk = new NodeSDK({
    // Own spans go through the filter that drops work on the service's self-telemetry.
    spanProcessors: spanExporters(env).map((exporter): SpanProcessor => new SelfTelemetryFilter(new BatchSpanProcessor({ exporter }))),
    // Only fastify: no http or undici instrumentation, so the exporters' own requests (and the
    // ClickHouse client's) are never traced; inserts get their own spans from the pipeline.
    instrumentations: [
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        instrumentHooks: false,
        ignorePaths: ({ url }) => UNTRACED_PATHS.includes(url),
        // Named as the HTTP semantic conventions name server spans: method and route.
        requestHook: (span, request) => span.updateName(`${request.method} ${request.routeOptions.url ?? ''}`.trim()),
      }),
    ],
  });
  sdk.start();
  return {
    shutdown: () =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS);
        timer.unref();
        sdk
          .shutdown()
          .then(resolve, reject)
          .finally(() => clearTimeout(timer));
      }),
  };
}

/**
 * The span exporters OTEL_TRACES_EXPORTER names (default otlp), each as OTEL_EXPORTER_OTLP_*
 * configure it. Built here because the SDK builds them from the environment only when it is
 * given no span processor, and ours needs the filter in front.
 */
export function spanExporters(env: NodeJS.ProcessEnv): SpanExporter[] {
  const names = (env.OTEL_TRACES_EXPORTER?.trim() || 'otlp').split(',').map((name) => name.trim().toLowerCase());
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  return names.flatMap((name): SpanExporter[] => {
    if (name === 'none' || name === '') return [];
    if (name === 'console') return [new ConsoleSpanExporter()];
    if (name !== 'otlp') throw new Error(`OTEL_TRACES_EXPORTER=${name} is not supported here; use otlp, console or none`);
    if (protocol === 'grpc') return [new GrpcTraceExporter()];
    if (protocol === 'http/json') return [new JsonTraceExporter()];
    if (protocol === 'http/protobuf') return [new ProtobufTraceExporter()];
    throw new Error(`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=${protocol} is not an OTLP protocol; use grpc, http/protobuf or http/json`);
  });
}
