// A browser's CORS preflight to the OTLP paths from an origin no site lists: refused by name (403,
// logged), never the router's `404 Route OPTIONS:/v1/traces not found`, which says nothing of the
// catalog. Allowed origins never reach these routes: @fastify/cors answers their preflight itself.
import type { FastifyPluginAsync } from 'fastify';
import { shownPath } from '../../accept/refusal-hints.js';
import { OriginNotListedError } from '../../errors.js';

export interface PreflightOptions {
  /** The catalog file as configured (CATALOG_FILE), named in the refusal. */
  catalogFile: string;
}

const OTLP_PATHS = ['/v1/traces', '/v1/metrics', '/v1/logs'];

export const otlpPreflight: FastifyPluginAsync<PreflightOptions> = async (app, options) => {
  for (const path of OTLP_PATHS) {
    app.options(path, async (request, reply) => {
      const origin = request.headers.origin;
      // Not a browser's preflight (no Origin): nothing here to answer, as before.
      if (origin === undefined) return reply.callNotFound();
      // The error handler logs the refusal with its code, status, place and message.
      throw new OriginNotListedError(origin, shownPath(options.catalogFile));
    });
  }
};
