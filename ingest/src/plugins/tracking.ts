import fp from 'fastify-plugin';
import type { Catalog } from '../catalog/catalog.js';
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
    });
  },
  { name: 'footfall-tracking', dependencies: ['footfall-metrics'] },
);
