// The page's hotspots section: the most clicked elements of the period on any page (/api/hotspots:
// ui_click, any element, not only the catalog's objects), and for each of the top pages a link
// that opens the site's own page with its heatmap drawn over it. The link carries a read-only
// shared link of this one site in its fragment (made here through /api/keys with the page's
// token; a page opened with a shared link passes its own), never the owner's token.
import { el, fill } from './dom.js';

interface HotspotsAnswer {
  total_clicks: number;
  origins: string[];
  pages: Array<{ path: string; clicks: number }>;
  elements: Array<{ path: string; selector: string; tag: string; clicks: number; x: number | null; y: number | null }>;
}

const headers = (token: string | null): Record<string, string> =>
  token ? { accept: 'application/json', authorization: `Bearer ${token}` } : { accept: 'application/json' };

/** A read-only secret of `site` for the heatmap link: a new shared link, or the page's own when it may not make one. */
async function heatmapSecret(token: string | null, site: string): Promise<string | null> {
  const made = await fetch('/api/keys', {
    method: 'POST',
    headers: { ...headers(token), 'content-type': 'application/json' },
    body: JSON.stringify({ scope: 'read', site, kind: 'share' }),
  });
  if (made.ok) return ((await made.json()) as { secret: string }).secret;
  // A shared link's own secret already is a read-only key of this site.
  return made.status === 403 ? token : null;
}

function heatmapLink(token: string | null, site: string, origin: string, path: string): HTMLAnchorElement {
  const link = el('a', 'heatmap-link', ['Heatmap']);
  link.href = `${origin}${path}`;
  link.target = '_blank';
  link.rel = 'noopener';
  link.dataset.path = path;
  link.onclick = async (event) => {
    event.preventDefault();
    const secret = await heatmapSecret(token, site);
    if (!secret) return (link.textContent = 'Heatmap: no shared link could be made');
    // The secret goes in the fragment: no server, no referrer sees it; the page takes it out at once.
    open(`${origin}${path}#footfall-heatmap=${encodeURIComponent(secret)}`, '_blank', 'noopener');
  };
  return link;
}

/** Fills `section` with the site's hotspots for the period; `token` is the page's bearer token, if any. */
export async function showHotspots(
  section: HTMLElement,
  token: string | null,
  site: string,
  period: Record<string, string>,
): Promise<void> {
  const response = await fetch(`/api/hotspots?${new URLSearchParams({ site, ...period })}`, { headers: headers(token) });
  if (!response.ok) {
    section.hidden = true;
    return;
  }
  const answer = (await response.json()) as HotspotsAnswer;
  section.hidden = false;
  const origin = answer.origins[0];
  const pages = answer.pages
    .slice(0, 5)
    .map((page) =>
      el('li', 'hotspot-page', [
        el('span', 'hotspot-path', [page.path]),
        el('span', 'hotspot-clicks', [`${page.clicks} clicks`]),
        ...(origin ? [heatmapLink(token, site, origin, page.path)] : []),
      ]),
    );
  const rows = answer.elements.map((element) => {
    const item = el('li', 'hotspot-element', [
      el('span', 'hotspot-path', [element.path]),
      el('code', 'hotspot-selector', [element.selector || 'other elements (past 100 a page and day)']),
      el('span', 'hotspot-clicks', [String(element.clicks)]),
    ]);
    item.dataset.selector = element.selector;
    return item;
  });
  fill(section, [
    el('h2', '', ['Hotspots: most clicked elements']),
    answer.total_clicks === 0
      ? el('p', 'empty', ['No click on the pages in this range.'])
      : el('div', '', [el('ul', 'hotspot-pages', pages), el('ol', 'hotspot-elements', rows)]),
  ]);
}
