// Writes the catalog's objects to ClickHouse (catalog_objects) before the service is ready, and
// keeps trying while ClickHouse is away.
import fp from 'fastify-plugin';
import type { Catalog } from '../catalog/catalog.js';
import { CATALOG_TABLE, writeCatalogTable } from '../catalog/catalog-table.js';

const RETRY_INTERVAL_MS = 2000;

export interface CatalogTablePluginOptions {
  catalog: Catalog;
  /** CLICKHOUSE_CLUSTER: the catalog is written as its tables' next version (catalog/catalog-table.ts). */
  cluster?: string;
}

/**
 * Writes the table before the service is ready. When ClickHouse is away at start-up (the service
 * still starts and spools), the write is retried until it succeeds, as the migrations are.
 */
export const catalogTablePlugin = fp<CatalogTablePluginOptions>(
  async (app, options) => {
    const write = async () => {
      const objects = await writeCatalogTable(app.clickhouse, options.catalog, options.cluster);
      app.log.info({ objects, table: CATALOG_TABLE }, 'catalog written to ClickHouse');
    };
    try {
      await write();
    } catch (error) {
      app.log.warn({ err: error }, `the catalog could not be written to ${CATALOG_TABLE}; retrying until ClickHouse answers`);
      let writing = false;
      const retry = setInterval(() => {
        if (writing) return;
        writing = true;
        write()
          .then(
            () => clearInterval(retry),
            () => undefined,
          )
          .finally(() => {
            writing = false;
          });
      }, RETRY_INTERVAL_MS);
      retry.unref();
      app.addHook('onClose', async () => clearInterval(retry));
    }
  },
  { name: 'footfall-catalog-table', dependencies: ['footfall-clickhouse'] },
);
