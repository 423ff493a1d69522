/** `GET /api/stats` and `GET /api/stream`: the summary of a site and range, once or live. */
import type { FastifyPluginAsync } from 'fastify';
import { UnknownGoalError } from '../../errors.js';
import type { Filters } from '../../stats/filters.js';
import type { Stats } from '../../stats/stats.js';
import type { StatsQuery as FeedQuery } from '../../live/stats-feed.js';
import { hasEnded } from '../../stats/summary-period.js';
import { type PeriodQuery, periodOf } from './period.js';
import { statsQuery } from './schemas.js';
import { siteOf } from './site.js';

type StatsQuery = Filters & PeriodQuery & { site?: string };

/** The summary a request asks for: its site (checked against the catalog), period, compare and filters. */
function queryOf(app: Parameters<FastifyPluginAsync>[0], query: StatsQuery): FeedQuery {
  const { site, range, from, to, compare, ...filters } = query;
  const entry = siteOf(app, site);
  if (filters.goal !== undefined && !entry.goals.some((goal) => goal.name === filters.goal)) {
    const names = entry.goals.map((goal) => goal.name);
    throw new UnknownGoalError(
      entry.id,
      JSON.stringify(filters.goal),
      names.length ? `it has ${names.join(', ')}` : 'its catalog entry declares none',
    );
  }
  return { ...periodOf({ range, from, to, compare }), site: entry.id, filters };
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
    // A period that has ended (yesterday, last month, dates before today) no longer changes with
    // the clock: its summary is sent once and the stream stays open, quiet but for keep-alives.
    const ended = hasEnded(siteOf(app, query.site), query, Math.floor(Date.now() / 1000));
    const unsubscribe = ended ? () => undefined : app.statsFeed.subscribe(query, send);
    if (ended) {
      app.statsFeed
        .current(query)
        .then(send, (error: unknown) => request.log.warn({ err: error }, 'could not compute stats for the stream'));
    }
    reply.sse.onClose(() => {
      unsubscribe();
      release();
    });
  });
};

export default statsRoutes;
