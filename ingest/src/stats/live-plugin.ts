/** Decorates the app with the shared stats feed and the stream slots the read API and the overview page use. */
import fp from 'fastify-plugin';
import { RANGE_NAMES, RANGES, type Range } from './range.js';
import { dayOf } from './refused-values.js';
import { readStats } from './stats.js';
import { StatsFeed, type StatsQuery } from './stats-feed.js';
import { StreamSlots } from './stream-slots.js';

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
    const compute = async ({ site: siteId, range, filters }: StatsQuery) => {
      const site = app.catalog.sites.get(siteId);
      if (!site || !RANGE_NAMES.includes(range as Range)) throw new Error(`no summary for site ${siteId} and range ${range}`);
      // Whole UTC days: refused values are kept per day, since the first day the range touches.
      const refused = await app.refusedValues.list(dayOf(Date.now() - RANGES[range as Range] * 1000));
      return readStats(app.clickhouse, site, range as Range, refused, filters);
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
