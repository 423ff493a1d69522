import fp from 'fastify-plugin';
import type { Catalog } from '../catalog/catalog.js';
import { countriesFrom, noCountries } from '../events/country.js';
import type { SenderDeps } from '../events/sender.js';
import { UserAgents } from '../events/user-agent.js';
import { VisitorIds } from '../events/visitor-id.js';

declare module 'fastify' {
  interface FastifyInstance {
    catalog: Catalog;
    senders: SenderDeps;
  }
}

export interface TrackingPluginOptions {
  catalog: Catalog;
  privacySignalMode: 'anonymise' | 'drop';
  /** An MMDB file of countries by address; none means no lookup. */
  countryDatabase: string | undefined;
}

/** What every ingest route needs to judge an event: the catalog and how to describe its sender. */
export default fp<TrackingPluginOptions>(
  async (app, options) => {
    app.decorate('catalog', options.catalog);
    app.decorate('senders', {
      userAgents: new UserAgents(),
      visitorIds: new VisitorIds(),
      privacySignalMode: options.privacySignalMode,
      metrics: app.metrics,
      countries: options.countryDatabase ? countriesFrom(options.countryDatabase) : noCountries,
    });
  },
  { name: 'footfall-tracking', dependencies: ['footfall-metrics'] },
);
