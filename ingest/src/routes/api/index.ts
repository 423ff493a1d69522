import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { fastifySSE } from '@fastify/sse';
import { UnauthorizedError, UnknownSiteError } from '../../errors.js';
import { RANGES, readStats, type Range } from '../../stats/stats.js';
import { readEvents } from '../../stats/events.js';

export interface ApiRouteOptions {
  /** When set, every `/api` route needs `Authorization: Bearer <token>`. */
  statsToken: string | undefined;
  streamIntervalMs: number;
}

const statsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    range: { type: 'string', enum: Object.keys(RANGES), default: '24h' },
    site: { type: 'string', maxLength: 64 },
  },
} as const;

const eventsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    site: { type: 'string', maxLength: 64 },
    session: { type: 'string', maxLength: 64 },
    type: { type: 'string', maxLength: 64 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

interface StatsQuery {
  range: Range;
  site?: string;
}

/** The read API: `/api/stats`, `/api/stream` (Server-Sent Events) and `/api/events`. */
const apiRoutes: FastifyPluginAsync<ApiRouteOptions> = async (app, options) => {
  await app.register(fastifySSE, { heartbeatInterval: 15_000 });

  if (options.statsToken) {
    const expected = `Bearer ${options.statsToken}`;
    app.addHook('onRequest', async (request) => {
      if (request.headers.authorization !== expected) throw new UnauthorizedError();
    });
  }

  const siteOf = (request: FastifyRequest<{ Querystring: { site?: string } }>) => {
    const id = request.query.site ?? app.catalog.defaultSite;
    const site = app.catalog.sites.get(id);
    if (!site) throw new UnknownSiteError(id);
    return site;
  };

  app.get<{ Querystring: StatsQuery }>('/api/stats', { schema: { querystring: statsQuery } }, async (request) =>
    readStats(app.clickhouse, siteOf(request), request.query.range),
  );

  app.get<{ Querystring: StatsQuery }>(
    '/api/stream',
    { schema: { querystring: statsQuery }, sse: 'only' },
    async (request, reply) => {
      const site = siteOf(request);
      reply.sse.keepAlive();
      const push = async () => {
        try {
          await reply.sse.send({ event: 'stats', data: await readStats(app.clickhouse, site, request.query.range) });
        } catch (error) {
          request.log.warn({ err: error }, 'could not send stats on the stream');
        }
      };
      const timer = setInterval(push, options.streamIntervalMs);
      reply.sse.onClose(() => clearInterval(timer));
      await push();
    },
  );

  app.get<{ Querystring: { site?: string; session?: string; type?: string; limit: number } }>(
    '/api/events',
    { schema: { querystring: eventsQuery } },
    async (request) => ({ events: await readEvents(app.clickhouse, { ...request.query, site: siteOf(request).id }) }),
  );
};

export default apiRoutes;
