import type { CoreHandle } from '../core-handle.js';

/**
 * Sends the batches that go out in a task of their own (a full batch right after the call that
 * filled it, a partial one when its 5 seconds are up) from the worker at `workerUrl`
 * (`footfall-worker.js`): `sendBeacon`, like `fetch` or an XMLHttpRequest, costs the main thread
 * 0.3 to 1 ms in Chromium, handing the body to a worker 0.06 ms. What goes while an event is
 * dispatched (the page hidden or left, consent given or withdrawn, a flush the page asks for in a
 * handler) still goes by the core's own send, `sendBeacon`, which the browser takes over at once
 * even from a page closing in that moment.
 *
 * The worker takes over only once it has said it runs. A worker must be of the page's origin: a
 * tracker served from another (the ingest service's host, say) gets none (`new Worker` throws),
 * nor does a page whose policy forbids workers; either keeps `sendBeacon` for everything.
 *
 * The page's own policy decides where its batches may go, but a worker follows the policy its own
 * file was served with, which need not be the page's (a policy in a `<meta>` tag, or a header set
 * on pages only): a worker would get batches through a `connect-src` that refuses them on the page.
 * So it takes over only a second after a batch the page sent itself (time for the browser to report
 * that batch as a violation), and never once the page has reported a violation of `connect-src`.
 */
export function startWorkerSend(core: CoreHandle, workerUrl: URL): void {
  const beacon = core.send;
  // The worker's own URL is its base: a relative endpoint is resolved against the page here.
  const url = new URL(core.options.endpoint!, location.href).href;
  const worker = new Worker(workerUrl);
  // The bodies handed to the worker whose request it has not started yet, by number. A worker
  // dies with its page: one left in that moment sends them by `sendBeacon` as it goes (a body
  // that arrives twice is stored once: every event has its id).
  const handed = new Map<number, string>();
  let count = 0;
  // When the page first sent a batch itself; never, in effect, once it reported one refused.
  let firstSent = 0;
  addEventListener('securitypolicyviolation', (event) => {
    if (event.effectiveDirective === 'connect-src') firstSent = Infinity;
  });
  worker.onmessage = ({ data }) => {
    if (data) {
      handed.delete(data);
      return;
    }
    core.send = (body) => {
      const now = performance.now();
      // `window.event` is the event being dispatched, undefined in a timer's task.
      if (window.event || now - (firstSent ||= now) < 1e3) return beacon(body);
      const number = ++count;
      handed.set(number, body);
      // Handed over in a task of its own as well: the core has just written the session to
      // storage in this one (0.1 ms, at times 0.5), and the page may handle an input in between.
      // Unless the page was left meanwhile, which sent the body by `sendBeacon`.
      setTimeout(() => handed.has(number) && worker.postMessage([url, body, number]));
    };
  };
  addEventListener('pagehide', () => {
    // One by one, not `clear()`: the script tag's build mangles that name (the core's own `clear`).
    for (const [number, body] of handed) {
      handed.delete(number);
      beacon(body);
    }
  });
}
