import type { CoreHandle } from '../core-handle.js';
import { viewportClass } from './hotspots.js';

/** The fragment's key that opens the heatmap: `#footfall-heatmap=<a read-only shared link's secret>`. */
export const HEATMAP_FRAGMENT = 'footfall-heatmap';

/** The period the overlay shows (`range` of `/api/hotspots`). */
export const HEATMAP_RANGE = '30d';

/**
 * What `/api/hotspots` answers for one page and viewport class. Its `clicks` is read by quoted key:
 * the script tag's bundles mangle the property name `clicks` (the core handle's), and esbuild
 * leaves quoted keys alone.
 */
interface Hotspots {
  total_clicks: number;
  cells: Array<{ x: number; y: number; clicks: number }>;
  elements: Array<{ selector: string; clicks: number }>;
}

// biome-ignore lint/complexity/useLiteralKeys: a quoted key is kept by the bundle's property mangling.
const clicksOf = (row: { clicks: number }) => row['clicks'];

/** The top of the stacking order: the overlay lies over everything the page draws. */
const ON_TOP = '2147483647';

/** A new element with its inline style set through the CSSOM, which a Content-Security-Policy without 'unsafe-inline' allows. */
function styled<Tag extends keyof HTMLElementTagNameMap>(
  tag: Tag,
  style: Partial<CSSStyleDeclaration>,
  text = '',
): HTMLElementTagNameMap[Tag] {
  const element = document.createElement(tag);
  Object.assign(element.style, style);
  element.textContent = text;
  return element;
}

/**
 * The owner's heatmap over their own live page. The overview's link opens the page with a
 * read-only shared link's secret in the fragment (never the query, so no server and no referrer
 * sees it); it is taken out of the address bar at once, then `/api/hotspots` of the service the
 * tracker sends to is read with it as the bearer token, and each 1 % cell clicked in the last 30
 * days is drawn as a disc over the document, darker with more clicks. Drawn with elements styled
 * through the CSSOM, which a strict Content-Security-Policy (`style-src 'self'`) allows; when the
 * page's policy does not let it reach the service (`connect-src`), or the service refuses, the
 * panel and the console say so and why.
 */
export async function showHeatmap(core: CoreHandle): Promise<void> {
  const secret = new URLSearchParams(location.hash.slice(1)).get(HEATMAP_FRAGMENT);
  history.replaceState(history.state, '', location.pathname + location.search);
  if (!secret) return;
  const service = new URL(core.options.endpoint ?? '/', location.href).origin;
  const viewport = viewportClass();
  const panel = styled('div', {
    position: 'fixed',
    top: '8px',
    right: '8px',
    maxWidth: '340px',
    padding: '8px 12px',
    background: '#111',
    color: '#fff',
    font: '13px/1.4 system-ui, sans-serif',
    borderRadius: '6px',
    zIndex: ON_TOP,
  });
  panel.dataset.footfallHeatmap = 'panel';
  const say = (text: string) => {
    panel.append(styled('div', {}, text));
    console.info('footfall heatmap:', text);
  };
  const close = styled('button', { float: 'right', marginLeft: '8px', cursor: 'pointer' }, '×');
  close.setAttribute('aria-label', 'Close the heatmap');
  panel.append(close);
  document.body.append(panel);
  let blocked = '';
  const onViolation = (event: SecurityPolicyViolationEvent) => {
    if (event.effectiveDirective === 'connect-src') blocked = event.blockedURI;
  };
  document.addEventListener('securitypolicyviolation', onViolation);
  const url = `${service}/api/hotspots?${new URLSearchParams({ site: core.options.site, path: location.pathname, viewport, range: HEATMAP_RANGE })}`;
  let answer: Hotspots;
  try {
    const response = await fetch(url, { headers: { authorization: `Bearer ${secret}` } });
    if (!response.ok) return say(`Footfall refused the heatmap (${response.status}): ${(await response.text()).slice(0, 200)}`);
    answer = (await response.json()) as Hotspots;
  } catch {
    // The violation event may come a moment after the failed fetch.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return say(
      blocked
        ? `This page's Content-Security-Policy (connect-src) does not allow ${service}: add it to connect-src to see the heatmap.`
        : `Cannot reach ${service}/api/hotspots: the service is down, or it does not list this page's origin (${location.origin}) for site ${core.options.site}.`,
    );
  } finally {
    document.removeEventListener('securitypolicyviolation', onViolation);
  }
  const page = document.documentElement;
  const layer = styled('div', {
    position: 'absolute',
    left: '0',
    top: '0',
    width: `${Math.max(page.scrollWidth, document.body.scrollWidth)}px`,
    height: `${Math.max(page.scrollHeight, document.body.scrollHeight)}px`,
    pointerEvents: 'none',
    zIndex: ON_TOP,
  });
  layer.dataset.footfallHeatmap = 'layer';
  const most = Math.max(1, ...answer.cells.map(clicksOf));
  for (const cell of answer.cells) {
    const disc = styled('div', {
      position: 'absolute',
      left: `${cell.x}%`,
      top: `${cell.y}%`,
      width: '36px',
      height: '36px',
      transform: 'translate(-50%, -50%)',
      borderRadius: '50%',
      background: `rgba(230, 30, 30, ${(0.25 + 0.65 * (clicksOf(cell) / most)).toFixed(2)})`,
      boxShadow: '0 0 12px rgba(230, 30, 30, 0.6)',
    });
    disc.setAttribute('data-count', String(clicksOf(cell)));
    layer.append(disc);
  }
  document.body.append(layer);
  close.onclick = () => {
    layer.remove();
    panel.remove();
  };
  say(`Footfall heatmap of ${location.pathname}: ${answer.total_clicks} clicks, ${viewport} screens, last 30 days`);
  for (const element of answer.elements.slice(0, 5)) say(`${clicksOf(element)} × ${element.selector || 'other elements'}`);
}
