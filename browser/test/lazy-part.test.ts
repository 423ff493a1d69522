/**
 * The script tag's lazily loaded part, `footfall-extra.js`, in real Chromium on pages of their
 * own: the core fetches it once the page has loaded, and nothing the core records waits for it.
 * A page view and a click made at once, then the page left, all arrive while the lazy part is
 * still on its way, and when it is missing (404); with it loaded, the core's handle reaches it;
 * and it comes when `init` is called after the page has loaded, too.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBeaconSink, type BeaconSink } from './support/beacon-sink.js';
import { launchChromium } from './support/chromium.js';
import { serveScriptTagPage, type ScriptTagPage } from './support/script-tag-page.js';

let browser: Browser;
let sink: BeaconSink;
let site: ScriptTagPage | undefined;

const page = (endpoint: string, flags = '') => `<!doctype html><title>Lazy part</title>
  <script src="/footfall.js" data-site="portfolio" data-endpoint="${endpoint}" ${flags}></script>
  <button data-footfall-object="cv-download">My CV</button>`;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await sink?.close();
  await site?.close();
  site = undefined;
});

/** Opens the page, clicks at once, leaves; the events that reached the sink. */
async function clickAndLeave(extra: { extraDelayMs?: number; extraMissing?: boolean }) {
  sink = await startBeaconSink();
  site = await serveScriptTagPage({ page: page(sink.endpoint), ...extra });
  const tab = await browser.newPage();
  const errors: Error[] = [];
  tab.on('pageerror', (error) => errors.push(error));
  await tab.goto(`${site.url}/`, { waitUntil: 'load' });
  await tab.click('[data-footfall-object="cv-download"]');
  // The core asked for its lazy part once the page had loaded.
  await expect.poll(() => site!.extraRequests()).toBe(1);
  await tab.goto('about:blank');
  // Closed once the events arrived: closing it first would drop its sends still under way.
  const events = await sink.waitForEvents(2);
  await tab.close();
  return { events, errors };
}

describe('the lazily loaded part', () => {
  it('is slow: the events of the first moments reach the service before it arrives', { timeout: 60_000 }, async () => {
    const { events, errors } = await clickAndLeave({ extraDelayMs: 30_000 });
    expect(events.map((event) => `${event.type} ${event.object ?? ''}`)).toEqual(['page_view ', 'object_click cv-download', 'time_spent ']);
    expect(errors).toEqual([]);
  });

  it('is missing (404): nothing is lost and the page sees no error', { timeout: 60_000 }, async () => {
    const { events, errors } = await clickAndLeave({ extraMissing: true });
    expect(events.map((event) => `${event.type} ${event.object ?? ''}`)).toEqual(['page_view ', 'object_click cv-download', 'time_spent ']);
    expect(errors).toEqual([]);
  });

  it('is loaded after the page, next to the core, and prints the notes kept before it came', { timeout: 60_000 }, async () => {
    sink = await startBeaconSink();
    site = await serveScriptTagPage({ page: page(sink.endpoint, 'data-debug data-require-consent'), extraDelayMs: 500 });
    const tab = await browser.newPage();
    const notes: string[] = [];
    tab.on('console', (message) => {
      if (message.type() === 'debug') notes.push(message.text());
    });
    await tab.goto(`${site.url}/`);
    // Without consent the page view was not sent: the core kept the note until its lazy part came.
    await expect.poll(() => notes, { timeout: 10_000 }).toContain('footfall consent');
    expect(site.extraRequests()).toBe(1);
    await tab.close();
  });

  it('is loaded when init is called after the page has loaded, and prints what was kept', { timeout: 60_000 }, async () => {
    sink = await startBeaconSink();
    // No data-site: the page calls init itself, here well after its load event.
    const late = `<!doctype html><title>Late init</title><script src="/footfall.js"></script>`;
    site = await serveScriptTagPage({ page: late });
    const tab = await browser.newPage();
    const notes: string[] = [];
    tab.on('console', (message) => {
      if (message.type() === 'debug') notes.push(message.text());
    });
    await tab.goto(`${site.url}/`, { waitUntil: 'load' });
    expect(await tab.evaluate(() => document.readyState)).toBe('complete');
    await tab.evaluate(
      (endpoint) => window.footfall!.init({ site: 'portfolio', endpoint, requireConsent: true, debug: true }),
      sink.endpoint,
    );
    await expect.poll(() => site!.extraRequests(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => notes, { timeout: 10_000 }).toContain('footfall consent');
    await tab.close();
  });
});
