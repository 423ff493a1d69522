/**
 * Where a full batch's send runs, in real Chromium with the script tag: not in the tracking call
 * that filled the batch (a send costs the main thread about half a millisecond, which the page's
 * own handler should not wait for) but in a task of its own right after it; and a page left
 * before that task runs sends the batch on `pagehide`, once.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBeaconSink, type BeaconSink } from './support/beacon-sink.js';
import { launchChromium } from './support/chromium.js';
import { serveScriptTagPage, type ScriptTagPage } from './support/script-tag-page.js';

let browser: Browser;
let sink: BeaconSink;
let site: ScriptTagPage;
let tab: Page;

// No data-site: the page calls init itself, with a batch of 5.
const page = `<!doctype html><title>Batch send</title><script src="/footfall.js"></script>`;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await tab?.close();
  await sink?.close();
  await site?.close();
});

/**
 * A tab on the page, tracking into the sink, with every `sendBeacon` body counted in `window.sent`;
 * `autoTrack` sends a page view first, and listens for the page being left.
 */
async function open(autoTrack: boolean): Promise<Page> {
  sink = await startBeaconSink();
  // No worker: the lazy part would send these batches from one (worker-send.test.ts), and this
  // test counts the sends by sendBeacon, the core's own.
  site = await serveScriptTagPage({ page, pageHeaders: { 'content-security-policy': "worker-src 'none'" } });
  tab = await browser.newPage();
  await tab.goto(`${site.url}/`, { waitUntil: 'load' });
  await tab.evaluate(
    ([endpoint, autoTrack]) => {
      const sent: string[] = [];
      const send = navigator.sendBeacon.bind(navigator);
      Object.assign(window, { sent });
      navigator.sendBeacon = (url, body) => {
        sent.push(String(body));
        return send(url, body);
      };
      window.footfall!.init({ site: 'portfolio', endpoint, maxBatch: 5, autoTrack });
    },
    [sink.endpoint, autoTrack] as const,
  );
  return tab;
}

describe('a full batch', () => {
  it('is sent in a task of its own right after the call that filled it, not in that call', { timeout: 60_000 }, async () => {
    await open(false);
    const { inTheCall, nextTask } = await tab.evaluate(async () => {
      const sent = (window as unknown as { sent: string[] }).sent;
      for (const object of ['guitar', 'camera', 'plant', 'poster', 'lamp']) window.footfall!.trackObjectClick!(object, 'studio');
      const inTheCall = sent.length;
      // The tracker's task was queued first, so it has run once this one runs.
      await new Promise((resolve) => setTimeout(resolve, 0));
      return { inTheCall, nextTask: sent.length };
    });
    expect(inTheCall).toBe(0);
    expect(nextTask).toBe(1);
    const events = await sink.waitForEvents(5);
    expect(events.map((event) => event.object)).toEqual(['guitar', 'camera', 'plant', 'poster', 'lamp']);
  });

  it('goes on pagehide when the page is left before that task, and only once', { timeout: 60_000 }, async () => {
    await open(true);
    const { onPagehide, later } = await tab.evaluate(async () => {
      const sent = (window as unknown as { sent: string[] }).sent;
      // The page view and four clicks fill the batch.
      for (const object of ['guitar', 'camera', 'plant', 'poster']) window.footfall!.trackObjectClick!(object, 'studio');
      // The page being left within the same task: the test sends the event the browser would send
      // (a real departure cannot be timed between two tasks). The page's time spent follows in a
      // body of its own.
      dispatchEvent(new PageTransitionEvent('pagehide'));
      const onPagehide = sent.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { onPagehide, later: sent.length };
    });
    expect(onPagehide).toBe(2);
    expect(later).toBe(2);
    const events = await sink.waitForEvents(6);
    expect(events.map((event) => `${event.type} ${event.object ?? ''}`)).toEqual([
      'page_view ',
      'object_click guitar',
      'object_click camera',
      'object_click plant',
      'object_click poster',
      'time_spent ',
    ]);
  });
});
