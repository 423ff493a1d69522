import type { CoreHandle } from '../core-handle.js';

/**
 * Middle clicks on links, from the moment this part arrives. A click that follows a link in the
 * same tab (the left button, with ctrl, cmd or shift or without, and Enter) is recorded by the
 * core as it comes, since the page may be gone a moment later; a middle click (`auxclick`,
 * button 1) keeps the page open, so it waits for this part, and one made before this part
 * arrived is not recorded. A right click (button 2) opens a menu, not the link. Both send
 * `link_click` with the link's URL as the browser resolved it: the ingest service tells an
 * outbound link from a download by the site's catalog, cuts query, fragment and credentials, and
 * stores no link within the site (the next page view records that step).
 */
export function startFollowingLinks(core: CoreHandle): void {
  addEventListener(
    'auxclick',
    (event) => {
      const link = (event.target as Element).closest?.('a[href]') as HTMLAnchorElement | null;
      if (link && event.button === 1 && !link.closest('[data-footfall-ignore]')) core.tracker.track('link_click', { to: link.href });
    },
    { capture: true, passive: true },
  );
}
