/**
 * `GET /api/web-vitals?site=&range=|from=&to=`: the 75th percentile of each web vital per page of
 * a site over the period (stats/web-vitals.ts), from the OpenTelemetry browser instrumentation's
 * `browser.web_vital` records and the tracker's OpenTelemetry tier.
 */
import type { FastifyPluginAsync } from 'fastify';
import { boundsOf } from '../../stats/summary-period.js';
import { readWebVitals } from '../../stats/web-vitals.js';
import { type PeriodQuery, periodOf, periodProperties } from './period.js';
import { siteProperty } from './schemas.js';
import { siteOf } from './site.js';

const webVitalsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { site: siteProperty, ...periodProperties },
} as const;

interface WebVitalsQuery extends PeriodQuery {
  site?: string;
}

const webVitalsRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: WebVitalsQuery }>('/api/web-vitals', { schema: { querystring: webVitalsQuery } }, async (request) => {
    const { range, from, to, compare } = request.query;
    const site = siteOf(app, request.query.site);
    const now = Math.floor(Date.now() / 1000);
    const bounds = boundsOf(site, periodOf({ range, from, to, compare }), now);
    if (!bounds) throw new Error(`no web vitals for range ${range}`);
    // Up to now: a second past it, so what arrived this second counts.
    const until = bounds.to ?? now + 1;
    return {
      site: site.id,
      period: { from: bounds.from, to: bounds.to ?? null },
      ...(await readWebVitals(app.clickhouse, site, bounds.from, until)),
    };
  });
};

export default webVitalsRoutes;
