// The ingest service observing itself with the OpenTelemetry Node SDK, configured only by the
// standard OTEL_* variables (docs/otlp-mapping.md, "Self-telemetry"). Off unless one of them asks for an
// exporter, so a plain `npm start` sends nothing anywhere, and loads nothing of the SDK either
// (self-telemetry-sdk.ts is imported only when it is on).

/** Variables any of which turns self-telemetry on (unless OTEL_SDK_DISABLED=true). */
export const TURN_ON_VARIABLES = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
] as const;

/** Whether the environment asks for self-telemetry. */
export function selfTelemetryWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return TURN_ON_VARIABLES.some((name) => {
    const value = env[name]?.trim();
    return value !== undefined && value !== '' && value !== 'none';
  });
}

export interface SelfTelemetry {
  /** Exports what is buffered (for at most a second) and stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts the SDK when the environment asks for it (self-telemetry-sdk.ts); undefined when it does not.
 * Must run before the fastify instance is made (the instrumentation hooks its creation).
 */
export async function startSelfTelemetry(env: NodeJS.ProcessEnv = process.env): Promise<SelfTelemetry | undefined> {
  if (!selfTelemetryWanted(env)) return undefined;
  const { startSdk } = await import('./self-telemetry-sdk.js');
  return startSdk(env);
}
