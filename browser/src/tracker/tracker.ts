import { listen } from './autocapture.js';
import { createBatcher } from './batcher.js';
import { sendBodies } from './bodies.js';
import type { CoreHandle, Note } from './core-handle.js';
import { randomId } from './ids.js';
import { landingFields } from './landing.js';
import type { Ignored } from './log.js';
import { privacySignal } from './privacy.js';
import { createSession } from './session.js';
import { createTransport } from './transport.js';
import type { EventFields, EventProps, EventSink, EventType, FootfallEvent, TrackerOptions } from './types.js';
import { createVisibleClock } from './visible-clock.js';

/** The public API, the same for beacons, OpenTelemetry or both. No method ever throws. */
export interface Tracker {
  track(type: EventType, fields?: EventFields): void;
  /**
   * The first page view of a page load carries how the visitor arrived (campaign parameters, and
   * a referrer from another site or the previous page of this one as `from`); each later one
   * carries the page before it as `from`.
   */
  trackPageView(path?: string): void;
  /**
   * Opens a room. The tracker closes it by itself when the page goes away (hidden, closed, left)
   * and opens it again if the page comes back, so every `room_enter` has one `room_exit`.
   */
  trackRoomEnter(room: string): void;
  /** Sends `room_exit` with the visible time since the room was entered as `duration_ms`; a room not open is ignored. */
  trackRoomExit(room: string): void;
  trackObjectClick(object: string, room?: string, props?: EventProps): void;
  trackObjectView(object: string, room?: string): void;
  trackNavigation(to: string, from?: string): void;
  /** Grants or withdraws consent; withdrawing drops whatever is still queued. */
  setConsent(granted: boolean): void;
  /** Sends queued events now. */
  flush(): void;
}

/**
 * True in the script-tag build only, where esbuild defines `FOOTFALL_SCRIPT_TAG` (scripts/bundles.ts):
 * code for what the script tag never has is then dropped by the minifier. Elsewhere the name is
 * undeclared, hence `typeof`.
 */
declare const FOOTFALL_SCRIPT_TAG: boolean | undefined;
const SCRIPT_TAG_BUILD = typeof FOOTFALL_SCRIPT_TAG !== 'undefined';

const DEFAULT_MAX_BATCH = 20;
/** Longest wait before a partial batch is sent. */
const FLUSH_INTERVAL_MS = 5000;
/** The contract's session: 30 minutes without an event ends it. */
const SESSION_IDLE_MS = 30 * 60 * 1000;

/**
 * Starts tracking with `options`; the result is the public API. Beacons go to `endpoint` when it
 * is set; `core` is filled with the handle the lazily loaded part gets (see `CoreHandle`); `sink`
 * receives every event too (the ESM entry point passes the OpenTelemetry tier there and resolves
 * `mode`, so the script tag stays small: it passes no sink, hence the order, and its build drops
 * the sink's calls altogether (`SCRIPT_TAG_BUILD`).
 */
export function createTracker(options: TrackerOptions, core = {} as CoreHandle, otelSink?: EventSink): Tracker {
  const sink = SCRIPT_TAG_BUILD ? undefined : otelSink;
  const { endpoint, site } = options;
  const notes: Note[] = [];
  // Debug output is printed by the lazy part; until it has loaded, the notes wait here.
  const ignored: Ignored = (...note) => {
    options.debug && notes.push(note);
  };
  // Nothing may reach the host page, whatever happens inside: failures go to `ignored`.
  const guard =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (error) {
        ignored('error', error);
      }
    };
  const signal = privacySignal();
  let consent = !options.requireConsent;
  const [session, storeSession] = createSession(SESSION_IDLE_MS);
  const clock = createVisibleClock();
  // Open rooms, with the visible time at which each was entered.
  const rooms: Record<string, number> = {};
  // The page is hidden or gone: its open rooms have been closed, to reopen if it comes back.
  let away = false;
  let path = location.pathname;
  let landed = false;
  let pageStartedAt = 0;
  // Without an endpoint (OpenTelemetry only) batches are dropped when due: fewer bytes than no batcher.
  // So are they when consent was withdrawn since they came (`setConsent` hands them over at once).
  // Each batch that goes stores the session's last event, for the tab's next page (`createSession`).
  const batcher = createBatcher(
    guard((events: FootfallEvent[]) => {
      if (consent) {
        storeSession();
        endpoint && sendBodies(site, events, core.send);
      }
    }),
    Math.min(options.maxBatch || DEFAULT_MAX_BATCH, 100),
    FLUSH_INTERVAL_MS,
  );

  const emit = (type: EventType, fields?: EventFields) => {
    if (signal || !consent) return ignored(signal || 'consent');
    const event: FootfallEvent = { id: randomId(), type, ts: Date.now(), session: session(), path, ...fields };
    batcher.push(event);
    sink?.record(event);
  };
  const endPage = () => {
    // `| 0`: whole milliseconds, as the contract wants, in fewer bytes than Math.round.
    const spent = (clock.elapsed() - pageStartedAt) | 0;
    pageStartedAt += spent;
    if (spent > 0) api.track('time_spent', { duration_ms: spent });
  };
  const closeRoom = (room: string) => emit('room_exit', { room, duration_ms: (clock.elapsed() - rooms[room]!) | 0 });
  const api: Tracker = {
    track: emit,
    trackPageView(to = location.pathname) {
      const fields = landed ? { from: path } : landingFields();
      landed = true;
      path = to;
      emit('page_view', fields);
    },
    trackRoomEnter(room) {
      rooms[room] = clock.elapsed();
      // While the page is away the room opens unseen; coming back announces it.
      if (!away) emit('room_enter', { room });
    },
    trackRoomExit(room) {
      // A room not open has nothing to close. While the page is away it was closed already.
      if (room in rooms && !away) closeRoom(room);
      delete rooms[room];
    },
    trackObjectClick: (object, room, props) => emit('object_click', { object, room, props }),
    trackObjectView: (object, room) => emit('object_view', { object, room }),
    trackNavigation: (to, from = path) => emit('navigation', { from, to }),
    setConsent(granted) {
      consent = granted;
      // What waits goes now; withdrawn, the batch's callback drops it: fewer bytes than a `clear`.
      batcher.flush();
    },
    flush() {
      batcher.flush();
      sink?.flush();
    },
  };
  for (const key in api) api[key as keyof Tracker] = guard(api[key as keyof Tracker] as (...args: unknown[]) => void);
  Object.assign(core, { options, tracker: api, send: createTransport(endpoint!, ignored), notes });

  if (options.autoTrack !== false) {
    listen(
      {
        route: () => {
          const to = location.pathname;
          if (to === path) return;
          endPage();
          api.trackNavigation(to);
          api.trackPageView(to);
        },
        objectClick: api.trackObjectClick,
        link: (event) => {
          const link = (event.target as Element).closest?.('a[href]') as HTMLAnchorElement | null;
          if (link && !link.closest('[data-footfall-ignore]')) api.track('link_click', { to: link.href });
        },
        visibility: (event) => {
          // `pagehide` comes before the last `visibilitychange`, while the page still counts as
          // visible: the page is gone all the same, so the clock stops there.
          const hidden = document.hidden || event.type === 'pagehide';
          clock.update(hidden);
          // Leaving fires both pagehide and visibilitychange: rooms close once. A hidden page may
          // be discarded with no event after, so hidden already closes them.
          if (hidden !== away) {
            away = hidden;
            for (const room in rooms) hidden ? closeRoom(room) : api.trackRoomEnter(room);
          }
          if (hidden) {
            endPage();
            api.flush();
          }
        },
      },
      guard,
    );
    api.trackPageView();
  }
  return api;
}
