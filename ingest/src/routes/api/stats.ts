/** `GET /api/stats` and `GET /api/stream`: the summary of a site and range, once or live. */
import type { FastifyPluginAsync } from 'fastify';
import type { Filters } from '../../stats/filters.js';
import type { Range } from '../../stats/range.js';
import type { Stats } from '../../stats/stats.js';
import { siteOf } from './site.js';
import { statsQuery } from './schemas.js';

interface StatsQuery extends Filters {
  range: Range;
  site?: string;
}

/** The summary a request asks for: its site (checked against the catalog), range and filters. */
function queryOf(app: Parameters<FastifyPluginAsync>[0], query: StatsQuery) {
  const { site, range, ...filters } = query;
  return { site: siteOf(app, site).id, range, filters };
}

const statsRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: StatsQuery }>('/api/stats', { schema: { querystring: statsQuery } }, async (request) =>
    app.statsFeed.current(queryOf(app, request.query)),
  );

  // Streams share one computation per site and range (StatsFeed); each takes a slot (StreamSlots)
  // before anything is sent, so a refusal is an ordinary 429 answer, not a broken stream.
  app.get<{ Querystring: StatsQuery }>('/api/stream', { schema: { querystring: statsQuery }, sse: 'only' }, async (request, reply) => {
    const query = queryOf(app, request.query);
    const release = app.streamSlots.acquire(request.ip);
    reply.sse.keepAlive();
    // Commit the stream now: the first summary may come from a computation another stream started.
    reply.sse.sendHeaders();
    const send = (stats: Stats) => {
      reply.sse.send({ event: 'stats', data: stats }).catch((error: unknown) => {
        request.log.warn({ err: error }, 'could not send stats on the stream');
      });
    };
    const unsubscribe = app.statsFeed.subscribe(query, send);
    reply.sse.onClose(() => {
      unsubscribe();
      release();
    });
  });
};

export default statsRoutes;
