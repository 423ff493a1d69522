/**
 * `data-debug` tells a site owner what the ingest service refused, in real Chromium on pages of
 * their own. Readable answers: a click on an object missing from the catalog shows up in the
 * console from the service's own answer, while the catalog's objects are stored as usual. An
 * answer the browser hides (a page whose origin the catalog lacks gets no CORS header): the
 * console names the page's origin and the file to add it to. Both texts come from the lazily
 * loaded part.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/demo.js';
import { freePort, startIngest, waitForStoredEvents, type RunningIngest } from './support/ingest.js';
import { serveScriptTagPage, type ScriptTagPage } from './support/script-tag-page.js';

let ingest: RunningIngest;
let known: ScriptTagPage;
let unknown: ScriptTagPage;
let browser: Browser;

/** The script tag in debug mode, an object of the catalog and one it lacks. */
const debugPage = (beaconUrl: string) => `<!doctype html><title>Debug</title>
    <script src="/footfall.js" data-site="portfolio" data-endpoint="${beaconUrl}" data-debug></script>
    <button data-footfall-object="guitar">Guitar</button>
    <button data-footfall-object="cv-download">My CV</button>`;

beforeAll(async () => {
  const port = await freePort();
  const beaconUrl = `http://127.0.0.1:${port}/v1/beacon`;
  [known, unknown] = await Promise.all([
    serveScriptTagPage({ page: debugPage(beaconUrl) }),
    serveScriptTagPage({ page: debugPage(beaconUrl) }),
  ]);
  // Only the first page's origin is in the catalog.
  [ingest, browser] = await Promise.all([startIngest({ port, origins: [known.url] }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await known?.close();
  await unknown?.close();
  await ingest?.stop();
});

/** Opens `site`, clicks both objects once the lazy part is there, flushes; the console's lines. */
async function clickBoth(site: ScriptTagPage) {
  const page = await browser.newPage();
  const console: string[] = [];
  page.on('console', (message) => console.push(message.text()));
  await page.goto(`${site.url}/`, { waitUntil: 'load' });
  await expect.poll(() => site.extraRequests()).toBe(1);
  await page.waitForLoadState('networkidle');
  await page.click('[data-footfall-object="guitar"]');
  await page.click('[data-footfall-object="cv-download"]');
  await page.evaluate(() => window.footfall?.flush?.());
  const session = await page.evaluate(() => sessionStorage.getItem('footfall')!.split('.')[0]!);
  return { page, console, session };
}

describe('data-debug', () => {
  it('prints the refused value and reason from the ingest service, and stores the rest', { timeout: 60_000 }, async () => {
    const { page, console, session } = await clickBoth(known);
    await expect.poll(() => console.find((line) => line.includes('unknown_object')), { timeout: 20_000 }).toBeDefined();
    const line = console.find((text) => text.includes('unknown_object'))!;
    expect(line).toContain('"value":"cv-download"');
    expect(line).not.toContain('origins of site');
    const stored = await waitForStoredEvents(ingest.url, session, 2);
    // Hotspot clicks (ui_click) of the same clicks are left out: their number depends on when the
    // lazily loaded part arrived.
    const kept = stored.filter((event) => event.type !== 'ui_click');
    expect(kept.map((event) => `${event.type}:${event.object_id}`).sort()).toEqual(['object_click:guitar', 'page_view:']);
    await page.close();
  });

  it('explains an answer hidden by CORS: the page origin and the catalog file to add it to', { timeout: 60_000 }, async () => {
    const { page, console, session } = await clickBoth(unknown);
    const hint = `add ${unknown.url} to the origins of site portfolio in the catalog (ingest/catalog.json`;
    await expect.poll(() => console.find((line) => line.includes(hint)), { timeout: 20_000 }).toBeDefined();
    expect(console.find((line) => line.includes(hint))).toMatch(/^footfall send /);
    // The service did refuse the origin: nothing of the session was stored.
    expect(await waitForStoredEvents(ingest.url, session, 1, 3000)).toEqual([]);
    await page.close();
  });
});
