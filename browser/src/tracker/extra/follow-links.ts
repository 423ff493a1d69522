import type { CoreHandle } from '../core-handle.js';

/**
 * File extensions whose links send `download` unless the site names its own: the `downloads`
 * option, or `data-downloads` on the script tag, separated by `|` (`pdf|zip|key`).
 */
export const DOWNLOADS = 'pdf|zip|docx?|xlsx?|pptx?|csv|txt|rtf|epub|dmg|exe|msi|pkg|gz|tgz|rar|7z|mp3|wav|mp4|mov';

/** What a followed link is: a file by its extension wherever it lives, else a link to another host. */
export function linkType(link: HTMLAnchorElement, downloads: RegExp): 'download' | 'outbound' | undefined {
  // Links without a host (mailto:, tel:, javascript:) and opted-out ones are no one's business.
  if (!link.host || link.closest('[data-footfall-ignore]')) return undefined;
  if (downloads.test(link.pathname)) return 'download';
  return link.host !== location.host ? 'outbound' : undefined;
}

/**
 * Outbound links and downloads, without tagging. The core keeps every click (`click`, which Enter
 * on a focused link fires too, and `auxclick`, the middle button) from the first moment, so a link
 * followed before this part arrived is judged when it does; from then on each as it comes. A right
 * click (button 2) opens a menu, not the link. The URL is sent without query or fragment (origin
 * and path: no credentials either); the event goes out with the core's next batch, at the latest
 * when the page is hidden or left (`pagehide`, by `sendBeacon`).
 */
export function startFollowingLinks(core: CoreHandle): void {
  const downloads = RegExp(`\\.(${core.options.downloads || DOWNLOADS})$`, 'i');
  const judge = (event: Event) => {
    const link = (event.target as Element).closest?.('a[href]') as HTMLAnchorElement | null;
    const type = link && (event as MouseEvent).button < 2 && linkType(link, downloads);
    if (type) core.tracker.track(type, { to: link.origin + link.pathname });
  };
  const { clicks } = core;
  clicks.map(judge);
  clicks.length = 0;
  clicks.push = (...added) => {
    added.map(judge);
    return 0;
  };
}
