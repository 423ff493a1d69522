/**
 * Scroll depth and engaged time per page, in real Chromium on pages of their own: real scrolling
 * (the mouse wheel) down and back up, then leaving; a single-page route change, each page with its
 * own depth; and a visitor who stops touching the page, whose idle time past the window is not
 * engaged. For that last one the page's clock is Playwright's (a test double for the time source:
 * a minute without input cannot be waited for in a test).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVE_WINDOW_MS } from '../src/tracker/extra/page-engagement.js';
import type { FootfallEvent } from '../src/tracker/types.js';
import { startBeaconSink, type BeaconSink } from './support/beacon-sink.js';
import { launchChromium } from './support/chromium.js';
import { serveScriptTagPage, type ScriptTagPage } from './support/script-tag-page.js';

let browser: Browser;
let sink: BeaconSink;
let site: ScriptTagPage | undefined;

// 4,000 px tall in an 800 px window: the top screenful is 20 %, each 400 px further 10 % more.
const page = (endpoint: string) => `<!doctype html><title>Long read</title>
  <style>body { margin: 0 } main { height: 4000px } #next { position: fixed; top: 0 }</style>
  <script src="/footfall.js" data-site="portfolio" data-endpoint="${endpoint}"></script>
  <main><button id="next" onclick="history.pushState({}, '', '/next')">Next article</button></main>`;

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

async function open(before?: (tab: Page) => Promise<void>): Promise<Page> {
  sink = await startBeaconSink();
  site = await serveScriptTagPage({ page: page(sink.endpoint) });
  const tab = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  await before?.(tab);
  await tab.goto(`${site.url}/`, { waitUntil: 'load' });
  // The lazy part has been added (served at once, it has run in a moment). Polled from here:
  // the page's own timers may be Playwright's clock.
  await expect.poll(() => tab.evaluate(() => document.querySelector('script[src$="footfall-extra.js"]') !== null)).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 300));
  return tab;
}

const timeSpent = (events: FootfallEvent[]) => events.filter((event) => event.type === 'time_spent');

async function wheel(tab: Page, pixels: number, expectedY: number) {
  await tab.mouse.move(500, 400);
  await tab.mouse.wheel(0, pixels);
  await expect.poll(() => tab.evaluate(() => scrollY)).toBe(expectedY);
}

describe('scroll depth and engaged time', () => {
  it('are the deepest point reached and the engaged time, sent when the page is left', { timeout: 60_000 }, async () => {
    const tab = await open();
    await wheel(tab, 1600, 1600);
    await wheel(tab, -1600, 0);
    await tab.goto('about:blank');
    const [spent] = timeSpent(await sink.waitForEvents(2));
    expect(spent?.path).toBe('/');
    expect(spent?.props).toEqual({ scroll_depth: 60 });
    expect(spent?.duration_ms).toBeGreaterThan(0);
    await tab.close();
  });

  it('are measured per page across a single-page route change', { timeout: 60_000 }, async () => {
    const tab = await open();
    await wheel(tab, 800, 800);
    await tab.click('#next');
    // The new page starts where the window is: 40 %; then further down to 80 %.
    await wheel(tab, 1600, 2400);
    await tab.goto('about:blank');
    // The click on the link is a hotspot click too (ui_click), on the page it was made on.
    const events = await sink.waitForEvents(6);
    expect(events.map((event) => `${event.type} ${event.path}`)).toEqual([
      'page_view /',
      'ui_click /',
      'time_spent /',
      'navigation /',
      'page_view /next',
      'time_spent /next',
    ]);
    expect(timeSpent(events).map((event) => event.props?.scroll_depth)).toEqual([40, 80]);
    await tab.close();
  });

  it('leaves out the time the visitor did nothing past the window, not the visible time before it', { timeout: 60_000 }, async () => {
    const tab = await open((tab) => tab.clock.install());
    const started = Date.now();
    await wheel(tab, 400, 400);
    // A minute without input: 15 s of it still engaged, the other 45 s not.
    await tab.clock.fastForward(60_000);
    await tab.goto('about:blank');
    const [spent] = timeSpent(await sink.waitForEvents(2));
    const realMs = Date.now() - started;
    expect(spent?.duration_ms).toBeGreaterThanOrEqual(ACTIVE_WINDOW_MS);
    expect(spent?.duration_ms).toBeLessThan(ACTIVE_WINDOW_MS + realMs + 2000);
    expect(spent?.props).toEqual({ scroll_depth: 30 });
    await tab.close();
  });
});
