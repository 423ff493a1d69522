// The native stack as child processes on loopback (ingest service, Collector, Prometheus), the
// ports they listen on, where the upstream tools live, and waiting for things to be ready: the one
// place every script, test, benchmark and load run starts a process from.
export { collectorConfigFile, collectorEnv, startCollector } from './collector-process.js';
export type { CollectorOptions, CollectorPorts } from './collector-process.js';
export { ingestUrl, startIngest } from './ingest-process.js';
export type { IngestOptions } from './ingest-process.js';
export { launchChain, whenLauncherGoes } from './launcher-watch.js';
export { startProcess } from './managed-process.js';
export type { ManagedProcess, ProcessSpec } from './managed-process.js';
export { NativeStack, stackUrls } from './native-stack.js';
export type { NativeStackOptions, ServiceName, StackUrls } from './native-stack.js';
export { DEFAULT_PORTS, PORT_VARIABLES, freePort, freePorts, portsFromEnv } from './ports.js';
export type { StackPorts } from './ports.js';
export { activeTargets, instantQuery } from './prometheus-api.js';
export type { Sample, ScrapeTarget } from './prometheus-api.js';
export { committedPrometheusConfig, renderPrometheusConfig } from './prometheus-config.js';
export type { ScrapeTargets } from './prometheus-config.js';
export { prometheusUrl, startPrometheus } from './prometheus-process.js';
export type { PrometheusOptions } from './prometheus-process.js';
export { repoRoot } from './repo-root.js';
export { toolPath, toolsDir } from './tools.js';
export type { ToolName } from './tools.js';
export { waitFor, waitUntil } from './wait-for.js';
export type { WaitOptions } from './wait-for.js';
export { ingestMetric, sampleSum, storedEvents } from './ingest-api.js';
export type { StoredEvent } from './ingest-api.js';
