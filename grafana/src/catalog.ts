// The ingest service's catalog file (sites, rooms, objects), read when the dashboards are
// rendered: the site variable lists its sites. The objects themselves ("least clicked", "never
// clicked") are read by the panels from ClickHouse's catalog_objects, which the ingest service
// rewrites from its catalog at every start, so an edited catalog needs no re-render there; the
// tests use catalogObjects to work out what those panels must show.
import { readFileSync } from 'node:fs';
import type { Catalog, CatalogObject } from '@footfall/contract';

export type { Catalog, CatalogGoal, CatalogObject } from '@footfall/contract';

const CATALOG_URL = new URL('../../ingest/catalog.json', import.meta.url);

export function loadCatalog(): Catalog {
  return JSON.parse(readFileSync(CATALOG_URL, 'utf8')) as Catalog;
}

/** Every object of every site and room, in catalog order; an object without a label is shown by its id, as the service does. */
export function catalogObjects(catalog: Catalog): Array<CatalogObject & { site: string; room: string }> {
  return catalog.sites.flatMap((site) =>
    (site.rooms ?? []).flatMap((room) =>
      (room.objects ?? []).map((object) => ({ ...object, label: object.label ?? object.id, site: site.id, room: room.id })),
    ),
  );
}
