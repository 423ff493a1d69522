// Writes the catalog's objects to ClickHouse (catalog_objects, migration 0009) at every start, so
// the dashboards' "least clicked" and "never clicked" follow the catalog file without a re-render.
import { randomBytes } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Catalog } from './catalog.js';

export const CATALOG_TABLE = 'catalog_objects';

export interface CatalogObjectRow {
  site: string;
  room: string;
  room_label: string;
  object: string;
  label: string;
  /** The object's place in the catalog, for listing objects in the owner's order. */
  position: number;
}

/** One row per object of every site, in catalog order. */
export function catalogObjectRows(catalog: Catalog): CatalogObjectRow[] {
  let position = 0;
  return catalog.document.sites.flatMap((site) =>
    site.rooms.flatMap((room) =>
      room.objects.map((object) => ({
        site: site.id,
        room: room.id,
        room_label: room.label ?? room.id,
        object: object.id,
        label: object.label,
        position: position++,
      })),
    ),
  );
}

/**
 * Replaces the table's rows with the catalog's, in one step: the rows go into a staging table of
 * the same shape, which then trades places with the live one (EXCHANGE TABLES, atomic), so a
 * dashboard never reads a half-written or empty catalog. The staging name is this process's own,
 * so two services starting against one server do not write into each other's.
 */
export async function writeCatalogTable(client: ClickHouseClient, catalog: Catalog): Promise<number> {
  const staging = `${CATALOG_TABLE}_next_${randomBytes(4).toString('hex')}`;
  const rows = catalogObjectRows(catalog);
  await client.command({ query: `CREATE TABLE ${staging} AS ${CATALOG_TABLE}` });
  try {
    if (rows.length > 0) await client.insert({ table: staging, values: rows, format: 'JSONEachRow' });
    await client.command({ query: `EXCHANGE TABLES ${CATALOG_TABLE} AND ${staging}` });
  } finally {
    await client.command({ query: `DROP TABLE IF EXISTS ${staging}` });
  }
  return rows.length;
}
