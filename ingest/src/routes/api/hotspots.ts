/**
 * `GET /api/hotspots?site=&path=&viewport=&range=|from=&to=`: the most clicked elements of a
 * site's pages (any element, `ui_click`), and for one page its clicks per 1 % cell of the
 * document. Read-only: a site's shared link may call it, which is what the heatmap drawn over the
 * live page does (from the site's own origin, which the catalog lists for CORS).
 */
import { VIEWPORTS } from '@footfall/contract';
import type { FastifyPluginAsync } from 'fastify';
import { readHotspots } from '../../hotspots/read-hotspots.js';
import { type PeriodQuery, periodOf, periodProperties } from './period.js';
import { siteProperty } from './schemas.js';
import { siteOf } from './site.js';

const hotspotsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    site: siteProperty,
    ...periodProperties,
    path: { type: 'string', minLength: 1, maxLength: 512, pattern: '^/' },
    viewport: { type: 'string', enum: VIEWPORTS },
  },
} as const;

interface HotspotsQuery extends PeriodQuery {
  site?: string;
  path?: string;
  viewport?: string;
}

const hotspotsRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: HotspotsQuery }>('/api/hotspots', { schema: { querystring: hotspotsQuery } }, async (request) => {
    const { range, from, to, compare, path, viewport } = request.query;
    return readHotspots(app.clickhouse, siteOf(app, request.query.site), periodOf({ range, from, to, compare }), { path, viewport });
  });
};

export default hotspotsRoutes;
