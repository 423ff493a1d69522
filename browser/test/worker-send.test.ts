/**
 * Where the script tag's batches are sent from, in real Chromium: once the lazily loaded part has
 * started its worker (`footfall-worker.js`, beside the tracker), a batch sent in a task of its own
 * goes from the worker (`sendBeacon` costs the page's main thread 0.3 to 1 ms, handing the body
 * to the worker a tenth of that), from a second after the page sent one itself (its own policy
 * may refuse the endpoint: then it never does); what goes while the page is being left still goes by
 * `sendBeacon` on the page, as does a batch the worker had not started sending; a page whose
 * policy forbids workers, a site without the worker's file and a page whose tracker comes from
 * another origin keep `sendBeacon` for everything. Under a strict policy (`script-src 'self'`) the worker runs and the page
 * reports no violation. Nothing is lost or sent twice either way.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BeaconSink, settle, startBeaconSink } from './support/beacon-sink.js';
import { launchChromium } from './support/chromium.js';
import { type ScriptTagPage, serveScriptTagPage } from './support/script-tag-page.js';

let browser: Browser;
let sink: BeaconSink;
let site: ScriptTagPage;
let trackerHost: ScriptTagPage | undefined;
let tab: Page;
let pageErrors: string[] = [];

// No data-site: the page calls init itself, with a batch of 5.
const pageLoading = (trackerUrl: string) => `<!doctype html><title>Worker send</title><script src="${trackerUrl}"></script>`;
const OBJECTS = ['guitar', 'camera', 'plant', 'poster', 'lamp'];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  const errors = pageErrors;
  pageErrors = [];
  await tab?.close();
  await sink?.close();
  await site?.close();
  await trackerHost?.close();
  trackerHost = undefined;
  // Whatever happened, the page saw no error of the tracker's.
  expect(errors).toEqual([]);
});

interface PageState {
  /** Bodies the page sent by `sendBeacon`. */
  sent: string[];
  /** True once a worker the page made has said something (the tracker's says it runs). */
  workerUp: boolean;
  /** Why making a worker failed, if it did. */
  workerErrors: string[];
  /** The policy directives the page reported as violated. */
  violations: string[];
  trackerWorker?: Worker;
}
const state = () => tab.evaluate(() => (window as unknown as { state: PageState }).state);

/**
 * A tab on `site`, tracking into the sink, once the lazy part has loaded from `trackerSite`: every
 * `sendBeacon` of the page is counted, every worker it makes is watched, and every policy
 * violation it reports is kept (`PageState`); `watch` sees the tab before it opens the page.
 */
async function open(autoTrack: boolean, trackerSite = site, watch: (tab: Page) => void = () => {}): Promise<Page> {
  tab = await browser.newPage();
  // This tab's own: one closing late cannot blame the next test.
  const errors: string[] = [];
  pageErrors = errors;
  tab.on('pageerror', (error) => errors.push(error.message));
  watch(tab);
  await tab.goto(`${site.url}/`, { waitUntil: 'load' });
  await tab.evaluate(
    ([endpoint, autoTrack]) => {
      const state: PageState = { sent: [], workerUp: false, workerErrors: [], violations: [] };
      Object.assign(window, { state });
      document.addEventListener('securitypolicyviolation', (event) => state.violations.push(event.effectiveDirective));
      const send = navigator.sendBeacon.bind(navigator);
      navigator.sendBeacon = (url, body) => {
        state.sent.push(String(body));
        return send(url, body);
      };
      const PageWorker = Worker;
      window.Worker = class extends PageWorker {
        constructor(...args: ConstructorParameters<typeof Worker>) {
          try {
            super(...args);
          } catch (error) {
            state.workerErrors.push((error as Error).name);
            throw error;
          }
          state.trackerWorker = this;
          this.addEventListener('message', () => {
            state.workerUp = true;
          });
        }
      };
      window.footfall!.init({ site: 'portfolio', endpoint, maxBatch: 5, autoTrack });
    },
    [sink.endpoint, autoTrack] as const,
  );
  await expect.poll(() => trackerSite.extraRequests()).toBe(1);
  return tab;
}

/** Tracks the five objects, then lets the task that sends their full batch run. */
const trackFive = () =>
  tab.evaluate(async (objects) => {
    for (const object of objects) window.footfall!.trackObjectClick!(object, 'studio');
    await new Promise((resolve) => setTimeout(resolve, 0));
  }, OBJECTS);

/**
 * Once the worker runs: the first batch goes by the page's own `sendBeacon` (its policy may refuse
 * the endpoint, which a worker would not see); the worker takes over a second later.
 */
async function firstBatchFromPage(): Promise<void> {
  await tab.waitForFunction(() => (window as unknown as { state: PageState }).state.workerUp);
  await fiveByBeacon();
  await settle(1100);
}

/** Tracks the five objects: their batch goes by the page's own `sendBeacon` and arrives. */
async function fiveByBeacon(): Promise<void> {
  await trackFive();
  expect((await state()).sent).toHaveLength(1);
  expect((await sink.waitForEvents(5)).map((event) => event.object)).toEqual(OBJECTS);
}

const idsOnce = () => {
  const ids = sink.events().map((event) => event.id);
  return new Set(ids).size === ids.length;
};

describe('a tracker of the page’s own origin', () => {
  it('sends a full batch from its worker, not by sendBeacon, nor again at pagehide', { timeout: 60_000 }, async () => {
    sink = await startBeaconSink();
    site = await serveScriptTagPage({ page: pageLoading('/footfall.js') });
    await open(false);
    await firstBatchFromPage();
    expect(site.workerRequests()).toBe(1);
    await trackFive();
    const events = await sink.waitForEvents(10);
    expect(events.slice(5).map((event) => event.object)).toEqual(OBJECTS);
    // The same kind of body as sendBeacon's: plain text, no CORS preflight.
    expect(sink.bodies.map((body) => body.contentType)).toEqual(['text/plain;charset=UTF-8', 'text/plain;charset=UTF-8']);
    expect((await state()).sent).toHaveLength(1);
    // The worker said it started that request: leaving the page sends nothing again.
    await settle(200);
    await tab.evaluate(() => dispatchEvent(new PageTransitionEvent('pagehide')));
    await settle();
    expect((await state()).sent).toHaveLength(1);
    expect(sink.events()).toHaveLength(10);
  });

  it('sends by sendBeacon, when the page is left, a batch the worker has not started sending', { timeout: 60_000 }, async () => {
    sink = await startBeaconSink();
    site = await serveScriptTagPage({ page: pageLoading('/footfall.js') });
    await open(false);
    await firstBatchFromPage();
    await tab.evaluate(() => {
      // A test double for the moment a page is left before its worker runs (scheduling is the
      // browser's): the worker never gets the batch.
      (window as unknown as { state: PageState }).state.trackerWorker!.postMessage = () => {};
    });
    await trackFive();
    await settle(200);
    expect(sink.events()).toHaveLength(5);
    await tab.evaluate(() => dispatchEvent(new PageTransitionEvent('pagehide')));
    expect((await state()).sent).toHaveLength(2);
    expect((await sink.waitForEvents(10)).slice(5).map((event) => event.object)).toEqual(OBJECTS);
    await settle();
    expect(sink.events()).toHaveLength(10);
  });

  it('sends a batch once when the page is left before the task that hands it to the worker', { timeout: 60_000 }, async () => {
    sink = await startBeaconSink();
    site = await serveScriptTagPage({ page: pageLoading('/footfall.js') });
    await open(false);
    await firstBatchFromPage();
    await tab.evaluate((objects) => {
      // A test double for the page's timers (their order is the browser's): each task the
      // tracker schedules waits here, to be run in a chosen order.
      const held: (() => void)[] = [];
      const pageSetTimeout = window.setTimeout;
      window.setTimeout = ((callback: () => void) => held.push(callback)) as unknown as typeof setTimeout;
      for (const object of objects) window.footfall!.trackObjectClick!(object, 'studio');
      // The batch's send task: it schedules the hand-over to the worker.
      for (const task of held.splice(0)) task();
      dispatchEvent(new PageTransitionEvent('pagehide'));
      // The hand-over, after the page was left.
      for (const task of held.splice(0)) task();
      window.setTimeout = pageSetTimeout;
    }, OBJECTS);
    expect((await state()).sent).toHaveLength(2);
    expect((await sink.waitForEvents(10)).slice(5).map((event) => event.object)).toEqual(OBJECTS);
    await settle();
    expect(sink.bodies).toHaveLength(2);
  });

  it('sends what goes when the page is left by sendBeacon, each event once', { timeout: 60_000 }, async () => {
    sink = await startBeaconSink();
    site = await serveScriptTagPage({ page: pageLoading('/footfall.js') });
    await open(true);
    await tab.waitForFunction(() => (window as unknown as { state: PageState }).state.workerUp);
    await tab.evaluate(() => {
      for (const object of ['guitar', 'camera']) window.footfall!.trackObjectClick!(object, 'studio');
      // The event the browser sends when the page is left (a real departure cannot be waited for here).
      dispatchEvent(new PageTransitionEvent('pagehide'));
    });
    expect((await state()).sent).toHaveLength(1);
    const events = await sink.waitForEvents(4);
    expect(events.map((event) => `${event.type} ${event.object ?? ''}`)).toEqual([
      'page_view ',
      'object_click guitar',
      'object_click camera',
      'time_spent ',
    ]);
    await settle();
    expect(idsOnce()).toBe(true);
  });

  it("runs its worker under a strict policy (script-src 'self', no worker-src) with no violation", { timeout: 60_000 }, async () => {
    sink = await startBeaconSink();
    const policy = `default-src 'self'; script-src 'self'; connect-src 'self' ${new URL(sink.endpoint).origin}`;
    site = await serveScriptTagPage({ page: pageLoading('/footfall.js'), pageHeaders: { 'content-security-policy': policy } });
    const consoleViolations: string[] = [];
    await open(false, site, (tab) =>
      tab.on('console', (message) => message.text().includes('Content Security Policy') && consoleViolations.push(message.text())),
    );
    await firstBatchFromPage();
    await trackFive();
    expect((await sink.waitForEvents(10)).slice(5).map((event) => event.object)).toEqual(OBJECTS);
    const { sent, violations } = await state();
    expect(sent).toHaveLength(1);
    expect(violations).toEqual([]);
    expect(consoleViolations).toEqual([]);
  });

  it('never sends from its worker what the page’s own connect-src refuses', { timeout: 60_000 }, async () => {
    sink = await startBeaconSink();
    // A policy on the page only: the worker's file comes without one, so a worker's fetch would pass.
    site = await serveScriptTagPage({
      page: pageLoading('/footfall.js'),
      pageHeaders: { 'content-security-policy': "connect-src 'self'" },
    });
    await open(false);
    await tab.waitForFunction(() => (window as unknown as { state: PageState }).state.workerUp);
    await trackFive();
    await expect.poll(async () => (await state()).violations).toEqual(['connect-src']);
    await settle(1100);
    await trackFive();
    await settle(500);
    // Both batches refused by the page's policy, on the page: none reached the service.
    expect((await state()).sent).toHaveLength(2);
    expect(sink.events()).toEqual([]);
  });
});

it('a page whose policy forbids workers sends everything by sendBeacon', { timeout: 60_000 }, async () => {
  sink = await startBeaconSink();
  site = await serveScriptTagPage({ page: pageLoading('/footfall.js'), pageHeaders: { 'content-security-policy': "worker-src 'none'" } });
  await open(false);
  // Time enough for a worker to start, were it allowed.
  await settle(1000);
  expect((await state()).workerUp).toBe(false);
  await fiveByBeacon();
});

it('a site without footfall-worker.js sends everything by sendBeacon', { timeout: 60_000 }, async () => {
  sink = await startBeaconSink();
  site = await serveScriptTagPage({ page: pageLoading('/footfall.js'), workerMissing: true });
  await open(false);
  await expect.poll(() => site.workerRequests()).toBe(1);
  await settle(500);
  expect((await state()).workerUp).toBe(false);
  await fiveByBeacon();
});

it('a tracker of another origin than the page makes no worker: sendBeacon sends everything', { timeout: 60_000 }, async () => {
  sink = await startBeaconSink();
  // The usual install: the tracker's files come from the ingest service's host, not the page's.
  trackerHost = await serveScriptTagPage({ page: '<!doctype html>' });
  const host = trackerHost;
  // Another port, another origin.
  site = await serveScriptTagPage({ page: pageLoading(`${host.url}/footfall.js`) });
  await open(false, host);
  await settle(500);
  const { workerUp, workerErrors } = await state();
  expect(workerErrors).toEqual(['SecurityError']);
  expect(workerUp).toBe(false);
  expect(host.workerRequests()).toBe(0);
  await fiveByBeacon();
});
