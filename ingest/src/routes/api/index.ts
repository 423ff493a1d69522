/**
 * The read API under `/api`: stats, the live stream, events, funnels, erasure, keys. Every route
 * shares one rate-limit bucket per client address and, when STATS_TOKEN is set, needs
 * `Authorization: Bearer <token or key>`: the owner's token (compared in constant time) may call
 * everything, a key or shared link what its scope and site allow (ingest/src/auth/). Routes only
 * validate and call ingest/src/stats/.
 */
import { fastifySSE } from '@fastify/sse';
import type { FastifyPluginAsync } from 'fastify';
import { type Access, authorize, routeName } from '../../auth/access.js';
import { apiKeysPlugin } from '../../plugins/api-keys.js';
import { tokenMatcher } from '../../auth/token.js';
import { ApiRateLimitedError, UnauthorizedError } from '../../errors.js';
import alertsRoutes from './alerts.js';
import annotationRoutes from './annotations.js';
import digestRoutes from './digest.js';
import erasureRoutes from './erasure.js';
import eventsRoutes from './events.js';
import funnelRoutes from './funnel.js';
import hotspotsRoutes from './hotspots.js';
import webVitalsRoutes from './web-vitals.js';
import otlpReceivedRoutes from './otlp-received.js';
import keyRoutes from './keys.js';
import { explainValidation } from './schemas.js';
import sitesRoutes from './sites.js';
import statsRoutes from './stats.js';

const HEARTBEAT_MS = 15_000;
const BEARER = /^Bearer (.+)$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** Who an `/api` request speaks for, set before any handler runs. */
    access?: Access;
  }
}

export interface ApiRouteOptions {
  /** When set, every `/api` route needs `Authorization: Bearer <token>` (or a key's secret). */
  statsToken: string | undefined;
  /** Requests per client address and minute across all `/api` routes; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** The ClickHouse cluster the tables are on (CLICKHOUSE_CLUSTER), for erasure. */
  cluster: string | undefined;
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
  await app.register(apiKeysPlugin);
  // Without STATS_TOKEN the API is open to this machine (config.ts allows no other address); a key
  // sent anyway is still held to its scope, and an unknown one refused.
  const isOwner = options.statsToken ? tokenMatcher(options.statsToken) : () => false;
  app.addHook('onRequest', async (request, reply) => {
    const authorization = request.headers.authorization;
    let access: Access | undefined;
    if (isOwner(authorization)) access = { by: 'owner' };
    else if (authorization === undefined && !options.statsToken) access = { by: 'open' };
    else {
      const secret = BEARER.exec(authorization ?? '')?.[1];
      const key = secret === undefined ? undefined : await app.apiKeys.find(secret);
      if (key) access = { by: 'key', key };
    }
    if (!access) throw new UnauthorizedError();
    authorize(access, routeName(request.method, request.routeOptions.url), request.query as { site?: unknown });
    request.access = access;
    // A request still open when its key is revoked (a live stream runs for hours) is cut then:
    // revocation holds for what is under way too. The page reconnects and is refused.
    if (access.key) {
      const forget = app.apiKeys.whileLive(access.key.id, () => request.raw.destroy());
      reply.raw.once('close', forget);
    }
  });

  await app.register(statsRoutes);
  await app.register(eventsRoutes);
  await app.register(funnelRoutes);
  await app.register(hotspotsRoutes);
  await app.register(webVitalsRoutes);
  await app.register(otlpReceivedRoutes);
  await app.register(sitesRoutes);
  await app.register(alertsRoutes);
  await app.register(annotationRoutes);
  await app.register(digestRoutes);
  await app.register(erasureRoutes, { tokenSet: options.statsToken !== undefined, cluster: options.cluster });
  await app.register(keyRoutes, { tokenSet: options.statsToken !== undefined });
};

export default apiRoutes;
