/**
 * Who a read API request speaks for, and what that lets it call. The owner's STATS_TOKEN (or, on a
 * service without one, anyone on this machine) may call everything; a key only what its scope and
 * site allow. Refusals name what the key lacks.
 */
import { KeyOtherSiteError, KeyReadOnlyError } from '../errors.js';
import type { ApiKey } from './api-keys.js';

export interface Access {
  /** `owner`: STATS_TOKEN; `open`: no token is set and none was sent; `key`: an API key or shared link. */
  by: 'owner' | 'open' | 'key';
  /** The key, when `by` is `key`. */
  key?: ApiKey;
}

/**
 * The routes a read-only key may call: figures, never raw events (they carry session ids), never
 * erasure or keys. Every route not named here needs an admin key, so a route added later stays
 * closed to shared links until it is listed.
 */
const READ_ROUTES = new Set([
  'GET /api/stats',
  'GET /api/stream',
  'GET /api/sites',
  'GET /api/funnel',
  'GET /api/hotspots',
  'GET /api/alerts',
  'GET /api/annotations',
  'GET /api/digest',
  'GET /api/web-vitals',
  'GET /api/otlp-received',
]);

/** Routes that read one site, named by their `site` parameter; every other route acts on all sites. */
const SITE_ROUTES = new Set([
  'GET /api/stats',
  'GET /api/stream',
  'GET /api/sites',
  'GET /api/funnel',
  'GET /api/hotspots',
  'GET /api/events',
  'GET /api/alerts',
  'GET /api/annotations',
  'GET /api/digest',
  'GET /api/web-vitals',
  'GET /api/otlp-received',
]);

/** `GET /api/stats`: a route as the rules above name it (HEAD is GET's). */
export function routeName(method: string, url: string | undefined): string {
  return `${method === 'HEAD' ? 'GET' : method} ${url ?? ''}`;
}

/**
 * Throws unless `access` may call `route` for the sites in `query.site`; a key of one site that
 * names no site is given its own (the catalog's first might be another).
 */
export function authorize(access: Access, route: string, query: { site?: unknown }): void {
  const key = access.key;
  if (!key) return;
  if (key.scope !== 'admin' && !READ_ROUTES.has(route)) throw new KeyReadOnlyError(route);
  if (key.site === null) return;
  if (!SITE_ROUTES.has(route)) throw new KeyOtherSiteError(key.site, `${route} acts on every site and needs a key of all sites`);
  if (query.site === undefined) {
    query.site = key.site;
    return;
  }
  for (const asked of [query.site].flat()) {
    if (asked !== key.site) throw new KeyOtherSiteError(key.site, `it cannot read site ${JSON.stringify(asked)}`);
  }
}
