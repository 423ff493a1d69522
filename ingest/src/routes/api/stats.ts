/** `GET /api/stats` and `GET /api/stream`: the summary of a site and range, once or live. */
import type { FastifyPluginAsync } from 'fastify';
import type { Range } from '../../stats/range.js';
import type { Stats } from '../../stats/stats.js';
import { siteOf } from './site.js';
import { statsQuery } from './schemas.js';

interface StatsQuery {
  range: Range;
  site?: string;
}

const statsRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: StatsQuery }>('/api/stats', { schema: { querystring: statsQuery } }, async (request) =>
    app.statsFeed.current(siteOf(app, request.query.site).id, request.query.range),
  );

  // Streams share one computation per site and range (StatsFeed); each takes a slot (StreamSlots)
  // before anything is sent, so a refusal is an ordinary 429 answer, not a broken stream.
  app.get<{ Querystring: StatsQuery }>('/api/stream', { schema: { querystring: statsQuery }, sse: 'only' }, async (request, reply) => {
    const site = siteOf(app, request.query.site);
    const release = app.streamSlots.acquire(request.ip);
    reply.sse.keepAlive();
    // Commit the stream now: the first summary may come from a computation another stream started.
    reply.sse.sendHeaders();
    const send = (stats: Stats) => {
      reply.sse.send({ event: 'stats', data: stats }).catch((error: unknown) => {
        request.log.warn({ err: error }, 'could not send stats on the stream');
      });
    };
    const unsubscribe = app.statsFeed.subscribe(site.id, request.query.range, send);
    reply.sse.onClose(() => {
      unsubscribe();
      release();
    });
  });
};

export default statsRoutes;
