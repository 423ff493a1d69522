import type { CoreHandle } from '../core-handle.js';
import { startDebugOutput } from './debug-output.js';
import { startFollowingLinks } from './follow-links.js';
import { startPageEngagement } from './page-engagement.js';

/**
 * The lazily loaded part of the tracker: what can wait until the page has loaded. Each feature
 * takes the core's handle and nothing else; outbound links and downloads, scroll depth and engaged time; hotspots and their overlay join here.
 */
export function startExtra(core: CoreHandle): void {
  if (core.options.debug) startDebugOutput(core);
  startFollowingLinks(core);
  startPageEngagement(core);
}
