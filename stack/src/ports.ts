// The ports of the native stack: the project's defaults (the same as docker-compose), the variables
// that move them, and free loopback ports for tests and benchmarks that run beside anything else.
import getPort from 'get-port';

export interface StackPorts {
  ingest: number;
  otlpHttp: number;
  otlpGrpc: number;
  collectorHealth: number;
  collectorMetrics: number;
  prometheus: number;
}

/** The project's default ports, the same as in docker-compose. */
export const DEFAULT_PORTS: StackPorts = {
  ingest: 8080,
  otlpHttp: 4318,
  otlpGrpc: 4317,
  collectorHealth: 13133,
  collectorMetrics: 8888,
  prometheus: 9090,
};

/** The variable that moves each port, as documented in docs/stacks.md. */
export const PORT_VARIABLES: Record<keyof StackPorts, string> = {
  ingest: 'INGEST_PORT',
  otlpHttp: 'COLLECTOR_OTLP_HTTP_PORT',
  otlpGrpc: 'COLLECTOR_OTLP_GRPC_PORT',
  collectorHealth: 'COLLECTOR_HEALTH_PORT',
  collectorMetrics: 'COLLECTOR_METRICS_PORT',
  prometheus: 'PROMETHEUS_PORT',
};

/** The default ports, each replaced by its variable when set; a bad value names the variable. */
export function portsFromEnv(env: NodeJS.ProcessEnv): StackPorts {
  const ports = { ...DEFAULT_PORTS };
  for (const key of Object.keys(PORT_VARIABLES) as (keyof StackPorts)[]) {
    const name = PORT_VARIABLES[key];
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new Error(`${name} must be a port number from 1 to 65535, not "${raw}"`);
    }
    ports[key] = port;
  }
  return ports;
}

/** A loopback port nothing listens on now, other than those in `exclude`. */
export function freePort(exclude: Iterable<number> = []): Promise<number> {
  return getPort({ host: '127.0.0.1', exclude });
}

/** A free loopback port for each service, for tests that run beside anything else. */
export async function freePorts(): Promise<StackPorts> {
  const taken = new Set<number>();
  const next = async () => {
    const port = await freePort(taken);
    taken.add(port);
    return port;
  };
  return {
    ingest: await next(),
    otlpHttp: await next(),
    otlpGrpc: await next(),
    collectorHealth: await next(),
    collectorMetrics: await next(),
    prometheus: await next(),
  };
}
