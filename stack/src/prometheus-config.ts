// A Prometheus configuration with the actual addresses of a native stack: the same jobs and
// intervals as provisioning/prometheus/prometheus.yml (docker-compose), whose targets are
// container names. Written as JSON, which Prometheus reads as the YAML subset it is.

/** Scrape often enough for live dashboards; the committed file uses the same. */
export const SCRAPE_INTERVAL = '5s';

export interface ScrapeTargets {
  /** host:port of the ingest service (/metrics). */
  ingest: string;
  /** host:port of the Collector's own metrics. */
  collector: string;
  /** host:port of this Prometheus. */
  prometheus: string;
}

export function renderPrometheusConfig(targets: ScrapeTargets): string {
  const job = (name: string, target: string) => ({
    job_name: name,
    static_configs: [{ targets: [target] }],
  });
  const config = {
    global: { scrape_interval: SCRAPE_INTERVAL, evaluation_interval: SCRAPE_INTERVAL },
    scrape_configs: [
      job('prometheus', targets.prometheus),
      job('ingest', targets.ingest),
      job('otelcol', targets.collector),
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
