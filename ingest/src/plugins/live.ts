/** Decorates the app with the shared stats feed and the stream slots the read API and the overview page use. */
import fp from 'fastify-plugin';
import { dayOf } from '../refusals/refused-values.js';
import { readStats } from '../stats/stats.js';
import { StatsFeed, type StatsQuery } from '../live/stats-feed.js';
import { StreamSlots } from '../live/stream-slots.js';
import { boundsOf, readOptionsOf } from '../stats/summary-period.js';

declare module 'fastify' {
  interface FastifyInstance {
    statsFeed: StatsFeed;
    streamSlots: StreamSlots;
  }
}

export interface LivePluginOptions {
  /** How often a live stream gets a fresh summary. */
  streamIntervalMs: number;
  streamMaxTotal: number;
  streamMaxPerClient: number;
}

export const livePlugin = fp<LivePluginOptions>(
  async (app, options) => {
    const compute = async (query: StatsQuery) => {
      const site = app.catalog.sites.get(query.site);
      const read = readOptionsOf(query);
      const bounds = site && boundsOf(site, query, Math.floor(Date.now() / 1000));
      if (!site || !read || !bounds) throw new Error(`no summary for site ${query.site} and range ${query.range}`);
      // Whole UTC days: refused values are kept per day, since the first day the period touches.
      const refused = await app.refusedValues.list(dayOf(bounds.from * 1000));
      return readStats(app.clickhouse, site, read.range, refused, query.filters, read.options);
    };
    const feed = new StatsFeed(compute, options.streamIntervalMs, (error) =>
      app.log.warn({ err: error }, 'could not compute stats for the live streams'),
    );
    app.decorate('statsFeed', feed);
    app.decorate('streamSlots', new StreamSlots(options.streamMaxTotal, options.streamMaxPerClient));
    app.addHook('onClose', async () => feed.close());
  },
  { name: 'footfall-live', dependencies: ['footfall-clickhouse', 'footfall-tracking', 'footfall-refused-values'] },
);
