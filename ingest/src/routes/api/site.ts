/** The catalog site a read request names (the catalog's first when it names none). */
import type { FastifyInstance } from 'fastify';
import type { SiteEntry } from '../../catalog/catalog.js';
import { UnknownSiteError } from '../../errors.js';

export function siteOf(app: FastifyInstance, id: string | undefined): SiteEntry {
  const name = id ?? app.catalog.defaultSite;
  const site = app.catalog.sites.get(name);
  if (!site) throw new UnknownSiteError(`${JSON.stringify(name)}; it has ${[...app.catalog.sites.keys()].join(', ')}`);
  return site;
}
