import type { CoreHandle } from './core-handle.js';
import { createTracker, type Tracker } from './tracker.js';
import type { TrackerOptions } from './types.js';

/**
 * The script-tag build (tier 1, beacons only): `<script defer src="footfall.js"
 * data-site="portfolio" data-endpoint="https://.../v1/beacon">` starts tracking and exposes
 * `window.footfall`; `data-require-consent` and `data-debug` are flags. Without `data-site`, call
 * `footfall.init(options)` yourself: the tracking methods exist once it has run. The
 * OpenTelemetry tier comes with the ESM entry point.
 *
 * Once the page has loaded (at once when `init` runs later), the core fetches its lazily loaded
 * part, `footfall-extra.js` from the folder it came from, and hands it the core's handle on the
 * script element. Nothing the core records waits for it: if it is slow or missing, events go out
 * all the same.
 */
declare global {
  interface Window {
    footfall?: Partial<Tracker> & { init(options: TrackerOptions): void };
  }
}

/** The element that loads the lazy part, carrying the handle it reads. */
export type ExtraScript = HTMLScriptElement & { core: CoreHandle };

const script = document.currentScript as HTMLScriptElement;
const data = script.dataset;
const footfall = {
  init(options: TrackerOptions) {
    const core = {} as CoreHandle;
    Object.assign(footfall, createTracker(options, core));
    const loadExtra = () =>
      document.head.append(
        // The URL resolved against the core's own (`src` takes it as text): its folder, whatever its query.
        Object.assign(document.createElement('script'), { src: new URL('footfall-extra.js', script.src) as unknown as string, core }),
      );
    // `init` may run after the page has loaded (a late call, or a tag added later): then at once.
    // Of the three states only "complete" sorts before "d": fewer bytes than comparing it whole.
    document.readyState < 'd' ? loadExtra() : addEventListener('load', loadExtra);
  },
};
window.footfall = footfall;
if (data.site) {
  // The element's data attributes are the options (`site`, `endpoint`); the two flags are present or not.
  footfall.init({ ...(data as unknown as TrackerOptions), requireConsent: 'requireConsent' in data, debug: 'debug' in data });
}
