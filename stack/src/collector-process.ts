// Our built OpenTelemetry Collector as a child process, with collector/config.yaml and the
// environment variables it reads.
import { join } from 'node:path';
import { toolPath } from './tools.js';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { repoRoot } from './repo-root.js';

export const collectorConfigFile = join(repoRoot, 'collector/config.yaml');

export interface CollectorPorts {
  otlpHttp: number;
  otlpGrpc: number;
  health: number;
  metrics: number;
}

export interface CollectorOptions {
  ports: CollectorPorts;
  /** Base URL of the ingest service; the exporter appends /v1/traces and /v1/metrics. */
  ingestEndpoint: string;
  /** The persistent sending queue's folder. */
  storageDir: string;
  /** Origins allowed by CORS, e.g. the demo portfolio's. */
  corsOrigins: string[];
  logFile: string;
  /** Any other variable of collector/config.yaml (COLLECTOR_BATCH_TIMEOUT, ...). */
  env?: Record<string, string>;
  /** See ProcessSpec.ownProcessGroup. */
  ownProcessGroup?: boolean;
}

/** The environment collector/config.yaml reads, from typed options. */
export function collectorEnv(options: Omit<CollectorOptions, 'logFile'>): Record<string, string> {
  return {
    COLLECTOR_HOST: '127.0.0.1',
    COLLECTOR_OTLP_HTTP_PORT: String(options.ports.otlpHttp),
    COLLECTOR_OTLP_GRPC_PORT: String(options.ports.otlpGrpc),
    COLLECTOR_HEALTH_PORT: String(options.ports.health),
    COLLECTOR_METRICS_PORT: String(options.ports.metrics),
    // A YAML flow list: the config reads the variable as a list of origins.
    COLLECTOR_CORS_ORIGINS: JSON.stringify(options.corsOrigins),
    COLLECTOR_STORAGE_DIR: options.storageDir,
    INGEST_ENDPOINT: options.ingestEndpoint,
    ...options.env,
  };
}

export function startCollector(options: CollectorOptions): Promise<ManagedProcess> {
  return startProcess({
    name: 'collector',
    file: toolPath('otelcol'),
    args: ['--config', collectorConfigFile],
    cwd: repoRoot,
    env: collectorEnv(options),
    logFile: options.logFile,
    ownProcessGroup: options.ownProcessGroup,
    healthUrl: `http://127.0.0.1:${options.ports.health}/`,
  });
}
