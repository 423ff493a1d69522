import type { CoreHandle } from '../core-handle.js';
import { startDebugOutput } from './debug-output.js';
import { startFollowingLinks } from './follow-links.js';
import { startHotspots } from './hotspots.js';
import { startPageEngagement } from './page-engagement.js';
import { startWorkerSend } from './worker-send.js';

/**
 * The lazily loaded part of the tracker: what can wait until the page has loaded. Each feature
 * takes the core's handle and nothing else; middle clicks on links, scroll depth and engaged time, hotspots (their overlay is a file of its own, script-tag-extra.ts), and sending batches from a worker.
 */
export function startExtra(core: CoreHandle): void {
  // Debug mode sends by `fetch` on the page, to read the answers.
  if (core.options.debug) startDebugOutput(core);
  else if (core.options.endpoint) {
    try {
      startWorkerSend(core);
    } catch {
      // No worker here (or none allowed): the core's sendBeacon goes on sending everything.
    }
  }
  startHotspots(core);
  startFollowingLinks(core);
  startPageEngagement(core);
}
