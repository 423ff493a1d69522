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
  /**
   * The property keys the site's events may carry; a key not listed is dropped from its event (the
   * event is kept) and shown on the refused list. Absent: any key, within the event's limits.
   */
  props?: string[];
  /** What counts as a conversion on the site. */
  goals?: CatalogGoal[];
  /**
   * File extensions (lower case, no dot) whose links count as `download`, wherever the file lives;
   * DEFAULT_DOWNLOADS when absent.
   */
  downloads?: string[];
}

/** The extensions of files whose links count as `download` on a site whose catalog names none. */
export const DEFAULT_DOWNLOADS = ['pdf', 'zip', 'docx', 'xlsx', 'pptx', 'csv', 'txt', 'epub', 'dmg', 'exe', 'gz', 'mp3', 'mp4'];

/**
 * A goal: exactly one of `page` (a path, `*` matching any characters), `object` (a click on it),
 * `outbound` or `download` (the link's URL, `*` allowed) or `event` (a type of the catalog, with
 * `props` its events must carry to count).
 */
export interface CatalogGoal {
  /** Shown on the page, used as `goal:<name>` in filters and funnel steps. */
  name: string;
  page?: string;
  object?: string;
  outbound?: string;
  download?: string;
  event?: string;
  props?: Record<string, string>;
}

export interface Catalog {
  sites: CatalogSite[];
  eventTypes: string[];
}
