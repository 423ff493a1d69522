import { createTracker, type Tracker } from './tracker.js';
import type { TrackerOptions } from './types.js';

/**
 * The script-tag build (tier 1, beacons only): `<script defer src="footfall.js"
 * data-site="portfolio" data-endpoint="https://.../v1/beacon">` starts tracking and exposes
 * `window.footfall`; `data-require-consent` and `data-debug` are flags. Without `data-site`, call
 * `footfall.init(options)` yourself: the tracking methods exist once it has run. The
 * OpenTelemetry tier comes with the ESM entry point.
 */
declare global {
  interface Window {
    footfall?: Partial<Tracker> & { init(options: TrackerOptions): void };
  }
}

const data = (document.currentScript as HTMLScriptElement | null)?.dataset || {};
const footfall = {
  init: (options: TrackerOptions) => Object.assign(footfall, createTracker(options)),
};
window.footfall = footfall;
if (data.site) {
  footfall.init({
    site: data.site,
    endpoint: data.endpoint,
    requireConsent: 'requireConsent' in data,
    debug: 'debug' in data,
  });
}
