// Which site an OTLP item belongs to when it names none: the site whose origins hold the page's
// origin (the request's Origin header when a page sends straight in, or `portfolio.origin`, which
// the Collector copies from the browser's request). Never the catalog's first site by default: an
// item no site can be found for is refused as `no_site`, with what to set.
import type { Catalog } from '../catalog/catalog.js';

/** Site by origin, made once per catalog (origins are few; items are many). */
const sitesByOrigin = new WeakMap<Catalog, ReadonlyMap<string, string>>();

/** The site whose catalog entry lists this origin; the first such site when several list it. */
export function siteOfOrigin(catalog: Catalog, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  let map = sitesByOrigin.get(catalog);
  if (!map) {
    const made = new Map<string, string>();
    for (const site of catalog.sites.values())
      for (const siteOrigin of site.origins) if (!made.has(siteOrigin)) made.set(siteOrigin, site.id);
    sitesByOrigin.set(catalog, made);
    map = made;
  }
  return map.get(origin);
}
