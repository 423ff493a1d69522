import type { CoreHandle } from '../core-handle.js';
import type { EventFields, EventType } from '../types.js';

/**
 * Seconds after the visitor's last input during which a visible page counts as engaged: reading
 * a screenful without touching anything takes about that long; a tab left open in front of nobody
 * stops counting after it.
 */
export const ACTIVE_WINDOW_MS = 15_000;

/** What counts as the visitor being there: any input, and scrolling. */
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'scroll'];

/** How far down the document the bottom of the window is, in whole percent (0 to 100). */
export function scrollDepth(): number {
  const page = document.documentElement;
  const height = Math.max(page.scrollHeight, document.body?.scrollHeight ?? 0);
  if (height <= 0) return 100;
  return Math.min(100, Math.max(0, Math.round(((scrollY + innerHeight) / height) * 100)));
}

/**
 * Scroll depth and engaged time per page. The core sends `time_spent` for each page view when it
 * is hidden, left or replaced by a route change, with the visible time since its last one as
 * `duration_ms`; this part (once it has loaded) turns that into engaged time, taking off the
 * visible time in which the visitor did nothing for longer than `ACTIVE_WINDOW_MS`, and adds the
 * deepest point reached as the property `scroll_depth` (whole percent of the document).
 *
 * It starts late, after the page has loaded: time before it counts as engaged while visible, and
 * the deepest point so far is read from where the window is when it starts (the deepest only if
 * the visitor did not scroll back up meanwhile). A route change starts a new page: its depth is
 * measured afresh.
 */
export function startPageEngagement(core: CoreHandle): void {
  const { tracker } = core;
  const { track, trackPageView } = tracker;
  let deepest = scrollDepth();
  // Visible time without input past the window, since the last `time_spent`.
  let idle = 0;
  // The last input, or the moment the page was shown, whichever came later.
  let since = Date.now();
  // As this part last saw it: the core's `time_spent` on hiding comes before this part's own
  // listener hears of it (the core's was added first), so the stretch up to it still counts.
  let visible = !document.hidden;
  const settle = () => {
    const now = Date.now();
    if (visible) idle += Math.max(0, now - since - ACTIVE_WINDOW_MS);
    since = now;
  };
  const listen = (type: string, listener: (event: Event) => void) => addEventListener(type, listener, { capture: true, passive: true });
  for (const type of ACTIVITY) listen(type, settle);
  listen('scroll', () => (deepest = Math.max(deepest, scrollDepth())));
  // Hidden or gone, the time is not the core's visible time either; shown again (a bfcache
  // restore too), the visitor is back.
  for (const type of ['visibilitychange', 'pagehide', 'pageshow'])
    listen(type, (event) => {
      settle();
      visible = !document.hidden && event.type !== 'pagehide';
    });
  tracker.track = (type: EventType, fields?: EventFields) => {
    if (type === 'time_spent' && fields?.duration_ms !== undefined) {
      settle();
      const engaged = Math.max(0, fields.duration_ms - idle);
      idle = 0;
      deepest = Math.max(deepest, scrollDepth());
      fields = { ...fields, duration_ms: engaged, props: { ...fields.props, scroll_depth: deepest } };
    }
    track(type, fields);
  };
  // A new page of a single-page app (the core ended the last one just before): its depth afresh.
  tracker.trackPageView = (path?: string) => {
    deepest = 0;
    trackPageView(path);
  };
}
