// The pipeline without Docker: ingest service (embedded ClickHouse), Collector and Prometheus as
// child processes on loopback, each with its data and log under one folder. Used by
// `npm run stack` with the default ports and by the tests with free ones.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCollector } from './collector-process.js';
import { ingestUrl, startIngest } from './ingest-process.js';
import type { ManagedProcess } from './managed-process.js';
import { prometheusUrl, startPrometheus } from './prometheus-process.js';
import type { StackPorts } from './ports.js';

export type ServiceName = 'ingest' | 'collector' | 'prometheus';

export interface NativeStackOptions {
  /** Data and logs of every service go under it; reusing it keeps the data. */
  baseDir: string;
  ports: StackPorts;
  /** Origins allowed to send OTLP to the Collector from a browser. */
  corsOrigins: string[];
  /** More variables for the ingest service (RATE_LIMIT_PER_MINUTE, BATCH_INTERVAL_MS, ...). */
  ingestEnv?: Record<string, string>;
  /** More variables for collector/config.yaml (COLLECTOR_BATCH_TIMEOUT, ...). */
  collectorEnv?: Record<string, string>;
  /** Each service in a process group of its own (see ProcessSpec.ownProcessGroup). */
  ownProcessGroups?: boolean;
  /**
   * The ingest service sends its own spans and metrics to the Collector (docs/otlp-mapping.md, "Self-telemetry"),
   * which stores them with everything else; OTEL_* variables of the parent still win.
   */
  selfTelemetry?: boolean;
}

export interface StackUrls {
  ingest: string;
  collectorOtlpHttp: string;
  collectorHealth: string;
  collectorMetrics: string;
  prometheus: string;
}

export function stackUrls(ports: StackPorts): StackUrls {
  return {
    ingest: ingestUrl(ports.ingest),
    collectorOtlpHttp: `http://127.0.0.1:${ports.otlpHttp}`,
    collectorHealth: `http://127.0.0.1:${ports.collectorHealth}/`,
    collectorMetrics: `http://127.0.0.1:${ports.collectorMetrics}/metrics`,
    prometheus: prometheusUrl(ports.prometheus),
  };
}

/** Stop order: the Collector first (it flushes into the ingest service), then the ingest service
 * (it flushes into ClickHouse), Prometheus last. */
const STOP_ORDER: ServiceName[] = ['collector', 'ingest', 'prometheus'];

/** The standard OTEL_* variable pointing the ingest service at the Collector, unless the parent set it. */
export function selfTelemetryEnv(collectorOtlpHttp: string): Record<string, string> {
  const defaults: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: collectorOtlpHttp };
  return Object.fromEntries(Object.entries(defaults).filter(([name]) => process.env[name] === undefined));
}

export class NativeStack {
  readonly urls: StackUrls;
  readonly logDir: string;
  private readonly running = new Map<ServiceName, ManagedProcess>();

  constructor(private readonly options: NativeStackOptions) {
    this.urls = stackUrls(options.ports);
    this.logDir = join(options.baseDir, 'logs');
    for (const dir of ['logs', 'ingest', 'collector-queue', 'prometheus']) {
      mkdirSync(join(options.baseDir, dir), { recursive: true });
    }
  }

  /** Starts every service that is not running, in dependency order, each waited on until healthy. */
  async startAll(): Promise<void> {
    try {
      await this.start('ingest');
      await this.start('collector');
      await this.start('prometheus');
    } catch (error) {
      await this.stopAll();
      throw error;
    }
  }

  async start(name: ServiceName): Promise<ManagedProcess> {
    const current = this.running.get(name);
    if (current && !current.exited) return current;
    const started = await this.launch(name);
    this.running.set(name, started);
    return started;
  }

  /** Graceful stop (SIGTERM, the service flushes). */
  async stop(name: ServiceName): Promise<void> {
    const current = this.running.get(name);
    this.running.delete(name);
    if (current) await current.stop();
  }

  async stopAll(): Promise<void> {
    for (const name of STOP_ORDER) await this.stop(name);
  }

  /** The running services, for watching their exits. */
  services(): ManagedProcess[] {
    return [...this.running.values()];
  }

  /** SIGKILL to every service at once, synchronously: the last resort of a parent that is exiting. */
  killAllNow(): void {
    for (const service of this.running.values()) {
      if (service.exited) continue;
      try {
        process.kill(service.pid, 'SIGKILL');
      } catch {
        // Already gone between the check and the kill: nothing left to stop.
      }
    }
  }

  logFile(name: ServiceName): string {
    return join(this.logDir, `${name}.log`);
  }

  private launch(name: ServiceName): Promise<ManagedProcess> {
    const { baseDir, ports } = this.options;
    switch (name) {
      case 'ingest':
        return startIngest({
          port: ports.ingest,
          dataDir: join(baseDir, 'ingest'),
          logFile: this.logFile(name),
          ownProcessGroup: this.options.ownProcessGroups,
          env: { ...(this.options.selfTelemetry ? selfTelemetryEnv(this.urls.collectorOtlpHttp) : {}), ...this.options.ingestEnv },
        });
      case 'collector':
        return startCollector({
          ports: {
            otlpHttp: ports.otlpHttp,
            otlpGrpc: ports.otlpGrpc,
            health: ports.collectorHealth,
            metrics: ports.collectorMetrics,
          },
          ingestEndpoint: this.urls.ingest,
          storageDir: join(baseDir, 'collector-queue'),
          corsOrigins: this.options.corsOrigins,
          logFile: this.logFile(name),
          ownProcessGroup: this.options.ownProcessGroups,
          env: this.options.collectorEnv,
        });
      case 'prometheus':
        return startPrometheus({
          port: ports.prometheus,
          dataDir: join(baseDir, 'prometheus'),
          logFile: this.logFile(name),
          ownProcessGroup: this.options.ownProcessGroups,
          targets: {
            ingest: `127.0.0.1:${ports.ingest}`,
            collector: `127.0.0.1:${ports.collectorMetrics}`,
          },
        });
    }
  }
}
