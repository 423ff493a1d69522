/** Options shared by the routes that take data in. */
export interface IngestRouteOptions {
  /** Requests per client IP and minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
}

/** The per-route configuration of @fastify/rate-limit, or false when the limit is off. */
export function rateLimitConfig(options: IngestRouteOptions) {
  return options.rateLimitPerMinute > 0 ? { max: options.rateLimitPerMinute, timeWindow: 60_000 } : false;
}
