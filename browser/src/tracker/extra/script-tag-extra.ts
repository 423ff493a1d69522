import type { ExtraScript } from '../script-tag.js';
import { startExtra } from './start-extra.js';
import { startWorkerSend } from './worker-send.js';

/**
 * `footfall-extra.js`, the script tag's lazily loaded part: the core adds this script once the
 * page has loaded and puts its handle on the element, which is `document.currentScript` while
 * this runs.
 */
const script = document.currentScript as ExtraScript;
const { core } = script;
startExtra(core);
// Sends from the worker beside this file; not in debug mode, which sends by `fetch` on the page to
// read the answers.
if (!core.options.debug && core.options.endpoint) {
  try {
    startWorkerSend(core, new URL('footfall-worker.js', script.src));
  } catch {
    // No worker here (the tracker is of another origin than the page): `sendBeacon` sends everything.
  }
}
// The owner's heatmap link: the overlay is a file of its own, fetched from this one's folder only then.
if (location.hash.includes('footfall-heatmap=')) {
  document.head.append(
    Object.assign(document.createElement('script'), { src: new URL('footfall-heatmap.js', script.src) as unknown as string, core }),
  );
}
