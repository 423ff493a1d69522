import type { FastifyInstance } from 'fastify';

/** Options shared by the routes that take data in. */
export interface IngestRouteOptions {
  /** Requests per client IP and minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
}

/** The `onRequest` hook of one rate-limit bucket per client (sharedRateLimit), or undefined when the limit is off. */
export type SharedRateLimit = ReturnType<typeof sharedRateLimit>;

/** Options of route plugins whose bucket is shared with another plugin's routes (made once, by the app). */
export interface SharedLimitRouteOptions {
  rateLimit: SharedRateLimit;
}

/**
 * One rate-limit bucket per client for all the routes given this hook (to run on `onRequest`,
 * before the body is read): routes that do the same job (`/v1/beacon` and `/track`; the OTLP
 * `/v1/traces`, `/v1/metrics` and `/v1/logs`) must not each grant a client the whole allowance.
 * Undefined when the limit is off.
 */
export function sharedRateLimit(app: FastifyInstance, options: IngestRouteOptions) {
  return options.rateLimitPerMinute > 0 ? app.rateLimit({ max: options.rateLimitPerMinute, timeWindow: 60_000 }) : undefined;
}
