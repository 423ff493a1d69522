// Debian's Prometheus as a child process with a generated configuration and its own data folder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolPath } from './tools.js';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { renderPrometheusConfig, type ScrapeTargets } from './prometheus-config.js';

export interface PrometheusOptions {
  port: number;
  /** Holds prometheus.yml and the TSDB. */
  dataDir: string;
  logFile: string;
  targets: Omit<ScrapeTargets, 'prometheus'>;
  /** See ProcessSpec.ownProcessGroup. */
  ownProcessGroup?: boolean;
}

export function prometheusUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

export function startPrometheus(options: PrometheusOptions): Promise<ManagedProcess> {
  const configFile = join(options.dataDir, 'prometheus.yml');
  const self = `127.0.0.1:${options.port}`;
  writeFileSync(configFile, renderPrometheusConfig({ ...options.targets, prometheus: self }));
  return startProcess({
    name: 'prometheus',
    file: toolPath('prometheus'),
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(options.dataDir, 'tsdb')}`,
      `--web.listen-address=${self}`,
      '--storage.tsdb.retention.time=15d',
    ],
    logFile: options.logFile,
    ownProcessGroup: options.ownProcessGroup,
    healthUrl: `${prometheusUrl(options.port)}/-/ready`,
  });
}
