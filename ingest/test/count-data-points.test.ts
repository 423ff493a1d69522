// What the data points of one metrics request add to the service's counters: duplicates (points
// sent before), refusals by reason, and the browser's own event counts of the points the
// write-ahead log took. Real prom-client counters, read back from their registry.
import { describe, expect, it } from 'vitest';
import { countBrowserEvents, countDataPoints } from '../src/accept/count-data-points.js';
import { createMetrics } from '../src/metrics/registry.js';
import type { MappedPoint, RefusedPoint } from '../src/otlp/metrics/metric-rows.js';
import type { MetricPointRow } from '../src/tables/index.js';

/** Rows are told apart by identity here (the write-ahead log hands back the very rows it took). */
const point = (browserCount?: MappedPoint['browserCount']): MappedPoint => ({ row: {} as MetricPointRow, browserCount });

async function series(metrics: ReturnType<typeof createMetrics>, name: string) {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return (await metric.get()).values.map(({ labels, value }) => ({ labels, value }));
}

describe('countDataPoints()', () => {
  it('counts the points the log did not store again as duplicates, and makes no series when there are none', async () => {
    const metrics = createMetrics();
    const points = [point(), point(), point()];
    const rows = points.map(({ row }) => row);
    countDataPoints(metrics, points, rows, []);
    expect(await series(metrics, 'footfall_events_duplicate_total')).toEqual([]);
    countDataPoints(metrics, points, rows.slice(2), []);
    expect(await series(metrics, 'footfall_events_duplicate_total')).toEqual([{ labels: { source: 'otlp' }, value: 2 }]);
  });

  it('counts refusals by reason', async () => {
    const metrics = createMetrics();
    const refused: RefusedPoint[] = [
      { reason: 'invalid_value', value: 'portfolio.events', site: 'portfolio' },
      { reason: 'unknown_site', value: 'nowhere', site: 'nowhere' },
      { reason: 'invalid_value', value: 'portfolio.web_vital.lcp', site: 'portfolio' },
    ];
    countDataPoints(metrics, [], [], refused);
    expect(await series(metrics, 'footfall_events_refused_total')).toEqual([
      { labels: { reason: 'invalid_value', source: 'otlp' }, value: 2 },
      { labels: { reason: 'unknown_site', source: 'otlp' }, value: 1 },
    ]);
  });
});

describe('countBrowserEvents()', () => {
  it('adds the browser counts of the points the log took, and of no other point', async () => {
    const metrics = createMetrics();
    const taken = point({ site: 'portfolio', type: 'object_click', object: 'guitar', value: 3 });
    const notTaken = point({ site: 'portfolio', type: 'object_click', object: 'guitar', value: 5 });
    const noCount = point();
    countBrowserEvents(metrics, [taken, notTaken, noCount], [taken.row, noCount.row]);
    expect(await series(metrics, 'footfall_browser_events_total')).toEqual([
      { labels: { site: 'portfolio', type: 'object_click', object: 'guitar' }, value: 3 },
    ]);
  });
});
