// What a followed link is, judged by the service so the script tag's core spends no bytes on it:
// a file by its extension wherever it lives, else a page of another site, else a step within the
// site (the next page view records it, so it is not stored).
import type { SiteEntry } from '../catalog/catalog.js';

export type FollowedLink =
  | { kind: 'outbound' | 'download'; to: string }
  // Within the site (`to` its path), or no web address (mailto:, tel:, javascript:): counted, not stored.
  | { kind: 'internal'; to: string }
  | { kind: 'not_web'; to?: undefined };

/**
 * Judges a `link_click`'s URL against the site's catalog entry: `download` when its path ends in
 * one of the site's `downloads` extensions, `internal` when its origin is one of the site's or the
 * page's own (`pageOrigin`: a site may list no origins, and an OTLP item's page is known by the
 * origin the Collector kept), else `outbound`. The URL kept is origin and path: the query and the
 * fragment may carry personal data, the credentials (`user:secret@`) surely do.
 */
export function followedLink(to: string, site: Pick<SiteEntry, 'origins' | 'downloads'>, pageOrigin?: string): FollowedLink {
  let url: URL;
  try {
    url = new URL(to);
  } catch {
    return { kind: 'not_web' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { kind: 'not_web' };
  const kept = url.origin + url.pathname;
  const extension = /\.([^./]+)$/.exec(url.pathname)?.[1]?.toLowerCase();
  if (extension !== undefined && site.downloads.has(extension)) return { kind: 'download', to: kept };
  if (site.origins.has(url.origin) || url.origin === pageOrigin) return { kind: 'internal', to: url.pathname };
  return { kind: 'outbound', to: kept };
}
