// The shape of the catalog file (sites, their origins, rooms and objects, accepted event types):
// read by the ingest service, which refuses what it does not list, and by the dashboards. This is
// the catalog once loaded: the file may leave out origins, rooms, objects and labels, which the
// service fills in (none, and the id for a label); docs/catalog.md has every rule.

export interface CatalogObject {
  id: string;
  label: string;
}

export interface CatalogRoom {
  id: string;
  label?: string;
  objects: CatalogObject[];
}

export interface CatalogSite {
  id: string;
  /** Browser origins allowed to send events for the site. */
  origins?: string[];
  /** The site's IANA time zone (`Europe/Berlin`): its days, hours and "today"; `UTC` when absent. */
  timezone?: string;
  rooms: CatalogRoom[];
}

export interface Catalog {
  sites: CatalogSite[];
  eventTypes: string[];
}
