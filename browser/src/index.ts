/**
 * The ESM entry point: the tracker, with the OpenTelemetry tier split into its own chunk that is
 * imported only when `mode` is `otel` or `both`, once the page is idle, and the tracker's lazily
 * loaded part (debug output) in another, imported once the page has loaded. Every function is safe to
 * call at any time: before `init` it does nothing, and it never throws.
 */
import type { CoreHandle } from './tracker/core-handle.js';
import { createLazySink } from './tracker/lazy-sink.js';
import { createIgnored } from './tracker/log.js';
import { privacySignal } from './tracker/privacy.js';
import { createTracker, type Tracker } from './tracker/tracker.js';
import type { EventSink, TrackerOptions } from './tracker/types.js';

export type { Tracker } from './tracker/tracker.js';
export type { EventFields, EventProps, EventType, FootfallEvent, TrackerMode, TrackerOptions } from './tracker/types.js';

let tracker: Tracker | undefined;

/** Starts tracking. Only the first call counts: the page's listeners are installed once. */
export function init(options: TrackerOptions): void {
  const ignored = createIgnored(options?.debug);
  if (tracker) {
    ignored('already_initialised');
    return;
  }
  try {
    const { mode = 'beacon', endpoint, collectorUrl } = options;
    let otel: EventSink | undefined;
    const startOpenTelemetry = (url: string) =>
      (otel ??= createLazySink(
        () => import('./otel/index.js'),
        {
          collectorUrl: url,
          site: options.site,
          serviceName: options.serviceName,
          serviceVersion: options.serviceVersion,
          ignoreUrls: endpoint ? [url, endpoint] : [url],
          debug: options.debug,
        },
        ignored,
      ));
    const wanted = mode !== 'beacon' && collectorUrl && !privacySignal();
    // The OpenTelemetry instrumentations send spans of their own (document load, fetches,
    // clicks), so with `requireConsent` they are loaded only with the first consented event.
    if (wanted && !options.requireConsent) startOpenTelemetry(collectorUrl);
    const gate: EventSink | undefined = wanted
      ? { record: (event) => startOpenTelemetry(collectorUrl).record(event), flush: () => otel?.flush() }
      : undefined;
    const core = {} as CoreHandle;
    tracker = createTracker({ ...options, endpoint: mode === 'otel' ? undefined : endpoint }, core, gate);
    // What can wait (debug output) is a chunk of its own, imported once the page has loaded, as
    // the script tag's `footfall-extra.js` is.
    const startExtra = () =>
      import('./tracker/extra/start-extra.js').then((extra) => extra.startExtra(core), ignored.bind(0, 'extra_load_failed'));
    document.readyState === 'complete' ? startExtra() : addEventListener('load', startExtra);
  } catch (error) {
    ignored('init_failed', error);
  }
}

const forward =
  <K extends keyof Tracker>(method: K) =>
  (...args: Parameters<Tracker[K]>): void =>
    (tracker?.[method] as ((...a: Parameters<Tracker[K]>) => void) | undefined)?.(...args);

export const track = forward('track');
export const trackPageView = forward('trackPageView');
export const trackRoomEnter = forward('trackRoomEnter');
export const trackRoomExit = forward('trackRoomExit');
export const trackObjectClick = forward('trackObjectClick');
export const trackObjectView = forward('trackObjectView');
export const trackNavigation = forward('trackNavigation');
export const setConsent = forward('setConsent');
export const flush = forward('flush');

/** All of the above as one object, the same shape as the script tag's `window.footfall`. */
export const footfall = {
  init,
  track,
  trackPageView,
  trackRoomEnter,
  trackRoomExit,
  trackObjectClick,
  trackObjectView,
  trackNavigation,
  setConsent,
  flush,
};
