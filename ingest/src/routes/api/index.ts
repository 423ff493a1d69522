/**
 * The read API under `/api`: stats, the live stream, events, funnels, erasure. Every route shares
 * one rate-limit bucket per client address and, when STATS_TOKEN is set, needs
 * `Authorization: Bearer <token>` (compared in constant time). Routes only validate and call
 * ingest/src/stats/.
 */
import { fastifySSE } from '@fastify/sse';
import type { FastifyPluginAsync } from 'fastify';
import { ApiRateLimitedError, UnauthorizedError } from '../../errors.js';
import { tokenMatcher } from '../../auth/token.js';
import erasureRoutes from './erasure.js';
import eventsRoutes from './events.js';
import funnelRoutes from './funnel.js';
import { explainValidation } from './schemas.js';
import sitesRoutes from './sites.js';
import statsRoutes from './stats.js';

const HEARTBEAT_MS = 15_000;

export interface ApiRouteOptions {
  /** When set, every `/api` route needs `Authorization: Bearer <token>`. */
  statsToken: string | undefined;
  /** Requests per client address and minute across all `/api` routes; 0 turns the limit off. */
  rateLimitPerMinute: number;
}

const apiRoutes: FastifyPluginAsync<ApiRouteOptions> = async (app, options) => {
  await app.register(fastifySSE, { heartbeatInterval: HEARTBEAT_MS });
  app.addHook('onRoute', (route) => {
    route.schemaErrorFormatter ??= explainValidation;
  });

  // The limit runs first, so guessing the token costs requests like anything else. One limiter
  // (one store) for every route here: one bucket per client, whichever route it calls.
  if (options.rateLimitPerMinute > 0) {
    const max = options.rateLimitPerMinute;
    app.addHook(
      'onRequest',
      app.rateLimit({
        max,
        timeWindow: 60_000,
        errorResponseBuilder: (_request, context) => new ApiRateLimitedError(max, context.after),
      }),
    );
  }
  if (options.statsToken) {
    const matches = tokenMatcher(options.statsToken);
    app.addHook('onRequest', async (request) => {
      if (!matches(request.headers.authorization)) throw new UnauthorizedError();
    });
  }

  await app.register(statsRoutes);
  await app.register(eventsRoutes);
  await app.register(funnelRoutes);
  await app.register(sitesRoutes);
  await app.register(erasureRoutes, { tokenSet: options.statsToken !== undefined });
};

export default apiRoutes;
