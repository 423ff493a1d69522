/**
 * The owner's overview page at `/`: one HTML shell, its script and its style, under a strict
 * Content-Security-Policy (only this origin's script, style and connections; no inline code).
 * The page holds no data: it asks the read API for it, with the token when one is set, so the
 * page itself is served without one.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { pageAssets } from '../../overview/bundle.js';

const HTML = readFileSync(fileURLToPath(new URL('../../overview/page/index.html', import.meta.url)), 'utf8');

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function secured(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
}

export interface OverviewRouteOptions {
  /** Tells the page to ask for the token before its first data request (rather than learn it from a 401). */
  tokenRequired: boolean;
}

const overviewRoutes: FastifyPluginAsync<OverviewRouteOptions> = async (app, options) => {
  app.get('/', async (_request, reply) => secured(reply).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(HTML));
  app.get('/overview/settings.json', async (_request, reply) => secured(reply).send({ token_required: options.tokenRequired }));
  app.get('/overview/overview.js', async (_request, reply) =>
    secured(reply)
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send((await pageAssets()).script),
  );
  app.get('/overview/overview.css', async (_request, reply) =>
    secured(reply)
      .type('text/css; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send((await pageAssets()).style),
  );
};

export default overviewRoutes;
