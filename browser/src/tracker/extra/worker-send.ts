import type { CoreHandle } from '../core-handle.js';

/**
 * The worker's whole script: it says it runs, then sends each body it is given by `fetch` with
 * `keepalive` (the request outlives the page), again without it when the browser refuses that
 * (its keepalive quota used up).
 */
const WORKER_SCRIPT =
  'postMessage(0);onmessage=e=>{const s=k=>fetch(e.data[0],{method:"POST",body:e.data[1],keepalive:k});s(!0).catch(()=>s(!1)).catch(()=>0)}';

/**
 * Sends the batches that go out in a task of their own (a full batch right after the call that
 * filled it, a partial one when its 5 seconds are up) from a worker: `sendBeacon` costs the main
 * thread about a millisecond in Chromium (0.5 to 2), handing the body to a worker 0.08 ms. What
 * goes while an event is dispatched (the page hidden or left, consent given or withdrawn, a flush
 * the page asks for in a handler) still goes by the core's own send, `sendBeacon`, which the
 * browser takes over at once even from a page closing in that moment. The worker takes over only
 * once it has said it runs: a page whose content security policy forbids it keeps `sendBeacon`
 * for everything.
 */
export function startWorkerSend(core: CoreHandle): void {
  const { endpoint } = core.options;
  const beacon = core.send;
  // A relative endpoint resolves against the page: the worker's own URL (blob:) has no path.
  const url = new URL(endpoint!, location.href).href;
  const worker = new Worker(URL.createObjectURL(new Blob([WORKER_SCRIPT])));
  worker.onmessage = () => {
    // `window.event` is the event being dispatched, undefined in a timer's task.
    core.send = (body) => (window.event ? beacon(body) : worker.postMessage([url, body]));
  };
}
