/**
 * `GET /api/otlp-received?site=&range=|from=&to=`: the spans stored for a site over the period and
 * the events OTLP gave it (stats/otlp-received.ts), so the owner's page can say when spans arrive
 * and none of them counts.
 */
import type { FastifyPluginAsync } from 'fastify';
import { readOtlpReceived } from '../../stats/otlp-received.js';
import { boundsOf } from '../../stats/summary-period.js';
import { type PeriodQuery, periodOf, periodProperties } from './period.js';
import { siteProperty } from './schemas.js';
import { siteOf } from './site.js';

const otlpReceivedQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { site: siteProperty, ...periodProperties },
} as const;

interface OtlpReceivedQuery extends PeriodQuery {
  site?: string;
}

const otlpReceivedRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: OtlpReceivedQuery }>('/api/otlp-received', { schema: { querystring: otlpReceivedQuery } }, async (request) => {
    const { range, from, to, compare } = request.query;
    const site = siteOf(app, request.query.site);
    const now = Math.floor(Date.now() / 1000);
    const bounds = boundsOf(site, periodOf({ range, from, to, compare }), now);
    if (!bounds) throw new Error(`no OTLP figures for range ${range}`);
    // Up to now: a second past it, so what arrived this second counts.
    const received = await readOtlpReceived(app.clickhouse, site, bounds.from, bounds.to ?? now + 1);
    return { site: site.id, period: { from: bounds.from, to: bounds.to ?? null }, ...received };
  });
};

export default otlpReceivedRoutes;
