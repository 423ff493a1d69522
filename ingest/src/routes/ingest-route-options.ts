import type { FastifyInstance } from 'fastify';

/** Options shared by the routes that take data in. */
export interface IngestRouteOptions {
  /** Requests per client IP and minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
}

/** The per-route configuration of @fastify/rate-limit, or false when the limit is off. */
export function rateLimitConfig(options: IngestRouteOptions) {
  return options.rateLimitPerMinute > 0 ? { max: options.rateLimitPerMinute, timeWindow: 60_000 } : false;
}

/**
 * One rate-limit bucket per client for all the routes given this hook (to run on `onRequest`,
 * before the body is read): routes that do the same job (`/v1/beacon` and `/track`) must not each
 * grant a client the whole allowance. Undefined when the limit is off.
 */
export function sharedRateLimit(app: FastifyInstance, options: IngestRouteOptions) {
  return options.rateLimitPerMinute > 0 ? app.rateLimit({ max: options.rateLimitPerMinute, timeWindow: 60_000 }) : undefined;
}
