import type { Tracker } from './tracker.js';
import type { TrackerOptions } from './types.js';

/** One note of the tracker's `ignored`: why something was not sent, and its detail. */
export type Note = [reason: string, detail?: unknown];

/**
 * What the lazily loaded part of the tracker (`footfall-extra.js`, or the ESM entry's chunk)
 * gets of the core, and all it gets. The core fills it in `createTracker`; the lazy part reads
 * it once it has loaded. Features that can wait plug in here: debug output, middle clicks on
 * links, scroll depth and engaged time; hotspots and their overlay next (they record through `tracker`, and flush on `pagehide` after
 * the core's own listener, which was added first).
 */
export interface CoreHandle {
  options: TrackerOptions;
  /** The public API: events of the lazy part go through it, under the same consent and privacy rules. */
  tracker: Tracker;
  /**
   * Sends one beacon body; the core reads it at each send, so the lazy part may replace it
   * (debug mode sends by `fetch` to read the answer).
   */
  send(body: string): unknown;
  /**
   * In debug mode, every note since the page started (none otherwise): the lazy part prints
   * them, then replaces this array's `push` to print later ones as they come.
   */
  notes: Note[];
}
