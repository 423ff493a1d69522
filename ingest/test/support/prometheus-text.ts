// Reading one sample out of the service's /metrics text, so tests can assert counters exactly.
import type { FastifyInstance } from 'fastify';

/**
 * The value of the sample `name{labels}` whose label set is exactly `labels`; 0 when the
 * series does not exist yet (prom-client prints a labelled counter only once it was touched).
 */
export function sampleValue(exposition: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '')
      .split(/,(?=[a-zA-Z_]\w*=")/)
      .filter(Boolean)
      .sort()
      .join(',');
    if (have === wanted) return Number(match[3]);
  }
  return 0;
}

/** The current value of one series of the app's metrics. */
export async function metricValue(app: FastifyInstance, name: string, labels: Record<string, string> = {}): Promise<number> {
  const response = await app.inject('/metrics');
  return sampleValue(response.body, name, labels);
}
