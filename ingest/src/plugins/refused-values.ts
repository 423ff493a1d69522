/** Decorates the app with the one list of refused values, written to ClickHouse every few seconds and at close. */
import fp from 'fastify-plugin';
import type { Catalog } from '../catalog/catalog.js';
import { FLUSH_INTERVAL_MS, RefusedValues } from '../refusals/refused-values.js';

declare module 'fastify' {
  interface FastifyInstance {
    refusedValues: RefusedValues;
  }
}

export interface RefusedValuesPluginOptions {
  catalog: Catalog;
  /** The catalog file as configured, named by the hints. */
  catalogFile: string;
}

/** Shares one list between the routes that refuse (beacons, OTLP) and the read API that shows it. */
export const refusedValuesPlugin = fp<RefusedValuesPluginOptions>(
  async (app, options) => {
    const refused = new RefusedValues(app.clickhouse, options.catalog, {
      catalogFile: options.catalogFile,
      eventTypes: options.catalog.eventTypes,
    });
    // ClickHouse may not answer yet (a server still starting): the bound then starts afresh.
    await refused.load().catch((error: unknown) => app.log.warn({ err: error }, 'could not read the refused values kept'));
    const timer = setInterval(() => {
      refused.flush().catch((error: unknown) => app.log.warn({ err: error }, 'could not write the refused values; kept for the next try'));
    }, FLUSH_INTERVAL_MS);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await refused.flush().catch((error: unknown) => app.log.warn({ err: error }, 'could not write the refused values at close'));
    });
    app.decorate('refusedValues', refused);
  },
  { name: 'footfall-refused-values', dependencies: ['footfall-clickhouse'] },
);
