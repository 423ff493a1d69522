// The ingest service's catalog (sites, rooms, objects) is the one list of what exists. The
// dashboards read it at render time: "objects never clicked" needs the objects that were never
// seen in ClickHouse at all, so the list cannot come from the data.
import { readFileSync } from 'node:fs';
import type { Catalog, CatalogObject } from '@footfall/contract';

export type { Catalog, CatalogObject } from '@footfall/contract';

const CATALOG_URL = new URL('../../ingest/catalog.json', import.meta.url);

export function loadCatalog(): Catalog {
  return JSON.parse(readFileSync(CATALOG_URL, 'utf8')) as Catalog;
}

export function catalogObjects(catalog: Catalog): Array<CatalogObject & { site: string; room: string }> {
  return catalog.sites.flatMap((site) =>
    site.rooms.flatMap((room) => room.objects.map((object) => ({ ...object, site: site.id, room: room.id }))),
  );
}
