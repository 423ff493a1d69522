/** `GET /api/sites`: the catalog's sites and the ranges the API knows, for the overview page's pickers. */
import type { FastifyPluginAsync } from 'fastify';
import { RANGE_NAMES } from '../../stats/range.js';

const sitesRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/sites', async (request) => ({
    // A key of one site (a shared link) learns of no other.
    sites: [...app.catalog.sites.values()]
      .filter((site) => request.access?.key?.site == null || site.id === request.access.key.site)
      .map((site) => ({ id: site.id, objects: site.objects })),
    ranges: RANGE_NAMES,
  }));
};

export default sitesRoutes;
