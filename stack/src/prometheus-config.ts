// The native stack's Prometheus configuration, made from the one committed for docker-compose
// (provisioning/prometheus/prometheus.yml): the same jobs, intervals and rule files, with each
// job's container target replaced by the native stack's loopback address. One configuration, so
// the two can never drift apart.
import { dirname, isAbsolute, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { repoRoot } from './repo-root.js';

export const committedPrometheusConfig = join(repoRoot, 'provisioning/prometheus/prometheus.yml');

/** host:port of each scrape job, by the job names of the committed configuration. */
export interface ScrapeTargets {
  /** The ingest service (/metrics), job `ingest`. */
  ingest: string;
  /** The Collector's own metrics, job `otelcol`. */
  collector: string;
  /** This Prometheus, job `prometheus`. */
  prometheus: string;
}

interface PrometheusConfig {
  rule_files?: string[];
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  [key: string]: unknown;
}

const JOB_TARGET: Record<string, keyof ScrapeTargets> = { ingest: 'ingest', otelcol: 'collector', prometheus: 'prometheus' };

export function renderPrometheusConfig(targets: ScrapeTargets, committedFile = committedPrometheusConfig): string {
  const config = parse(readFileSync(committedFile, 'utf8')) as PrometheusConfig;
  for (const job of config.scrape_configs) {
    const target = JOB_TARGET[job.job_name];
    if (!target) throw new Error(`${committedFile}: job "${job.job_name}" has no native target; add it to JOB_TARGET`);
    job.static_configs = [{ targets: [targets[target]] }];
  }
  // Rule files are relative to the committed file; the generated one is written elsewhere.
  if (config.rule_files) {
    config.rule_files = config.rule_files.map((file) => (isAbsolute(file) ? file : join(dirname(committedFile), file)));
  }
  return stringify(config);
}
