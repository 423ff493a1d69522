/**
 * Where the script tag's batches are sent from, in real Chromium: once the lazily loaded part has
 * started its worker, a batch sent in a task of its own goes from the worker (`sendBeacon` costs
 * the page's main thread about a millisecond, handing the body to the worker a tenth of that);
 * what goes while the page is being left still goes by `sendBeacon` on the page, which the
 * browser takes over at once; and a page whose content security policy forbids workers keeps
 * `sendBeacon` for everything. Nothing is lost either way.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BeaconSink, settle, startBeaconSink } from './support/beacon-sink.js';
import { launchChromium } from './support/chromium.js';
import { type ScriptTagPage, serveScriptTagPage } from './support/script-tag-page.js';

let browser: Browser;
let sink: BeaconSink;
let site: ScriptTagPage;
let tab: Page;

// No data-site: the page calls init itself, with a batch of 5.
const page = `<!doctype html><title>Worker send</title><script src="/footfall.js"></script>`;

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
 * A tab on the page, tracking into the sink, once the lazy part has loaded: every `sendBeacon` of
 * the page is counted in `window.sent`, and `window.workerUp` turns true when a worker the page
 * made first says something (the tracker's says it runs).
 */
async function open(autoTrack: boolean, pageHeaders: Record<string, string> = {}): Promise<Page> {
  sink = await startBeaconSink();
  site = await serveScriptTagPage({ page, pageHeaders });
  tab = await browser.newPage();
  await tab.goto(`${site.url}/`, { waitUntil: 'load' });
  await tab.evaluate(
    ([endpoint, autoTrack]) => {
      const sent: string[] = [];
      const send = navigator.sendBeacon.bind(navigator);
      navigator.sendBeacon = (url, body) => {
        sent.push(String(body));
        return send(url, body);
      };
      const PageWorker = Worker;
      window.Worker = class extends PageWorker {
        constructor(...args: ConstructorParameters<typeof Worker>) {
          super(...args);
          this.addEventListener('message', () => Object.assign(window, { workerUp: true }));
        }
      };
      Object.assign(window, { sent, workerUp: false });
      window.footfall!.init({ site: 'portfolio', endpoint, maxBatch: 5, autoTrack });
    },
    [sink.endpoint, autoTrack] as const,
  );
  await expect.poll(() => site.extraRequests()).toBe(1);
  return tab;
}

const sentByPage = () => tab.evaluate(() => (window as unknown as { sent: string[] }).sent.length);

describe('with the worker running', () => {
  it('a full batch goes from the worker, not by sendBeacon on the page', { timeout: 60_000 }, async () => {
    await open(false);
    await tab.waitForFunction(() => (window as unknown as { workerUp: boolean }).workerUp);
    await tab.evaluate(async () => {
      for (const object of ['guitar', 'camera', 'plant', 'poster', 'lamp']) window.footfall!.trackObjectClick!(object, 'studio');
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    const events = await sink.waitForEvents(5);
    expect(events.map((event) => event.object)).toEqual(['guitar', 'camera', 'plant', 'poster', 'lamp']);
    // The same kind of body as sendBeacon's: plain text, no CORS preflight.
    expect(sink.bodies.map((body) => body.contentType)).toEqual(['text/plain;charset=UTF-8']);
    expect(await sentByPage()).toBe(0);
  });

  it('what goes when the page is left goes by sendBeacon', { timeout: 60_000 }, async () => {
    await open(true);
    await tab.waitForFunction(() => (window as unknown as { workerUp: boolean }).workerUp);
    await tab.evaluate(() => {
      for (const object of ['guitar', 'camera']) window.footfall!.trackObjectClick!(object, 'studio');
      // The event the browser sends when the page is left (a real departure cannot be waited for here).
      dispatchEvent(new PageTransitionEvent('pagehide'));
    });
    expect(await sentByPage()).toBe(1);
    const events = await sink.waitForEvents(4);
    expect(events.map((event) => `${event.type} ${event.object ?? ''}`)).toEqual([
      'page_view ',
      'object_click guitar',
      'object_click camera',
      'time_spent ',
    ]);
  });
});

it('a page whose policy forbids workers sends everything by sendBeacon', { timeout: 60_000 }, async () => {
  await open(false, { 'content-security-policy': "worker-src 'none'" });
  // Time enough for a worker to start, were it allowed.
  await settle(1000);
  expect(await tab.evaluate(() => (window as unknown as { workerUp: boolean }).workerUp)).toBe(false);
  await tab.evaluate(async () => {
    for (const object of ['guitar', 'camera', 'plant', 'poster', 'lamp']) window.footfall!.trackObjectClick!(object, 'studio');
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  expect(await sentByPage()).toBe(1);
  expect((await sink.waitForEvents(5)).map((event) => event.object)).toEqual(['guitar', 'camera', 'plant', 'poster', 'lamp']);
});
