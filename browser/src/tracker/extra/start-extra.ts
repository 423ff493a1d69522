import type { CoreHandle } from '../core-handle.js';
import { startDebugOutput } from './debug-output.js';
import { startFollowingLinks } from './follow-links.js';
import { startHotspots } from './hotspots.js';
import { startPageEngagement } from './page-engagement.js';

/**
 * The lazily loaded part of the tracker: what can wait until the page has loaded. Each feature
 * takes the core's handle and nothing else; middle clicks on links, scroll depth and engaged time, hotspots (their overlay is a file of its own, script-tag-extra.ts).
 */
export function startExtra(core: CoreHandle): void {
  if (core.options.debug) startDebugOutput(core);
  startHotspots(core);
  startFollowingLinks(core);
  startPageEngagement(core);
}
