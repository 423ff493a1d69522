/** Decorates the app with the one hotspot selector bound, learning at start the names already stored. */
import fp from 'fastify-plugin';
import { SelectorBound } from '../hotspots/selector-bound.js';

declare module 'fastify' {
  interface FastifyInstance {
    hotspotSelectors: SelectorBound;
  }
}

/** One bound shared by the routes that accept events (beacons, OTLP spans and logs). */
export const hotspotSelectorsPlugin = fp(
  async (app) => {
    const bound = new SelectorBound();
    // ClickHouse may not answer yet (a server still starting): the bound then starts afresh.
    await bound.load(app.clickhouse).catch((error: unknown) => app.log.warn({ err: error }, 'could not read the hotspot selectors kept'));
    app.decorate('hotspotSelectors', bound);
  },
  { name: 'footfall-hotspot-selectors', dependencies: ['footfall-clickhouse'] },
);
