import fp from 'fastify-plugin';
import type { Catalog } from '../catalog/catalog.js';
import { countriesFrom, noCountries } from '../events/country.js';
import { DailySalts } from '../events/daily-salts.js';
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

/** How often the stored daily salts are read (and the next day's made ahead of midnight). */
const SALT_REFRESH_MS = 60_000;

/** What every ingest route needs to judge an event: the catalog and how to describe its sender. */
export default fp<TrackingPluginOptions>(
  async (app, options) => {
    const visitorIds = new VisitorIds(Date.now, new DailySalts(app.clickhouse));
    // The refresh under way, awaited at close: ClickHouse must not close under its queries.
    let refreshing: Promise<void> | undefined;
    const refreshSalts = () =>
      (refreshing = visitorIds.refresh().catch((error: unknown) => {
        // ClickHouse away: ids use the salts at hand (tomorrow's is fetched a day ahead), else one of
        // this process's own, offered to ClickHouse once it answers.
        app.log.warn({ err: error }, 'the daily visitor salt could not be read from ClickHouse; retrying in a minute');
      }));
    await refreshSalts();
    const timer = setInterval(refreshSalts, SALT_REFRESH_MS);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await refreshing;
    });

    app.decorate('catalog', options.catalog);
    app.decorate('senders', {
      userAgents: new UserAgents(),
      visitorIds,
      privacySignalMode: options.privacySignalMode,
      metrics: app.metrics,
      countries: options.countryDatabase ? countriesFrom(options.countryDatabase) : noCountries,
    });
  },
  { name: 'footfall-tracking', dependencies: ['footfall-metrics', 'footfall-clickhouse'] },
);
