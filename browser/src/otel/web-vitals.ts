import type { Meter } from '@opentelemetry/api';
import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import { ATTR, METRIC } from './attributes.js';

/**
 * Records LCP, INP, CLS, FCP and TTFB as histograms `portfolio.web_vital.<name>` with the page
 * path. web-vitals reports some of them only when the page is hidden; `onReported` lets the
 * caller flush right after.
 */
export function recordWebVitals(meter: Meter, onReported: () => void): void {
  const record = (metric: Metric) => {
    const name = metric.name.toLowerCase();
    const histogram = meter.createHistogram(METRIC.webVitalPrefix + name, {
      unit: metric.name === 'CLS' ? '1' : 'ms',
      description: `Web vital ${metric.name}`,
    });
    histogram.record(metric.value, { [ATTR.urlPath]: location.pathname });
    onReported();
  };
  onLCP(record);
  onINP(record);
  onCLS(record);
  onFCP(record);
  onTTFB(record);
}
