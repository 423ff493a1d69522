import type { EventSink, FootfallEvent, OpenTelemetryModule, OpenTelemetryOptions } from './types.js';

/** Events recorded before the OpenTelemetry tier has loaded; past this they are dropped and reported. */
const MAX_PENDING = 100;
/** Where a page left before its tier loaded keeps its events for the tab's next page. */
const SAVED_KEY = 'footfall-otel-pending';

/**
 * Loads the OpenTelemetry tier once the page is idle, so it never competes with the first paint,
 * and replays what was recorded meanwhile. A page hidden first loads it at once (it may never be
 * idle again). A page left before the tier loaded cannot send (the tier is what sends): it keeps
 * its events in sessionStorage, and the tab's next page of the site replays them with its own;
 * their ids let the store count each once. If loading fails the events are reported and dropped.
 */
export function createLazySink(
  load: () => Promise<OpenTelemetryModule>,
  options: OpenTelemetryOptions,
  ignored: (reason: string, detail?: unknown) => void,
): EventSink {
  let sink: EventSink | undefined;
  let loading: Promise<void> | undefined;
  let leaving = false;
  const pending: FootfallEvent[] = takeSaved(ignored);
  const save = () => {
    try {
      sessionStorage.setItem(SAVED_KEY, JSON.stringify(pending));
    } catch (error) {
      ignored('otel_pending_not_saved', error);
    }
  };
  const start = () =>
    (loading ??= load().then(
      (module) => {
        sink = module.startOpenTelemetry(options);
        pending.splice(0).map(sink.record);
        // Back from the back/forward cache: what was saved went out here, not on the next page.
        if (leaving) takeSaved(ignored);
        if (document.hidden) sink.flush();
      },
      ignored.bind(0, 'otel_load_failed'),
    ));
  (self.requestIdleCallback || setTimeout)(start, { timeout: 2000 } as never);
  addEventListener('visibilitychange', () => document.hidden && start());
  addEventListener('pagehide', () => {
    if (sink) return;
    leaving = true;
    save();
  });
  return {
    record(event) {
      if (sink) return sink.record(event);
      if (pending.length >= MAX_PENDING) return ignored('otel_unavailable');
      pending.push(event);
      // The tracker closes rooms and pages after this listener: each of those is saved too.
      if (leaving) save();
    },
    flush: () => sink?.flush(),
  };
}

/** The events the tab's previous page left unsent, taken (removed) so that they are replayed once. */
function takeSaved(ignored: (reason: string, detail?: unknown) => void): FootfallEvent[] {
  try {
    const saved = sessionStorage.getItem(SAVED_KEY);
    sessionStorage.removeItem(SAVED_KEY);
    const events: unknown = saved ? JSON.parse(saved) : [];
    return Array.isArray(events) ? events.slice(0, MAX_PENDING) : [];
  } catch (error) {
    ignored('otel_pending_unreadable', error);
    return [];
  }
}
