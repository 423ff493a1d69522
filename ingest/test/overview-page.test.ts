// The overview page at / in real Chromium: it asks for the token, shows the figures, a chart,
// the lists and the room, breaks no rule of its Content-Security-Policy, and a new event shows
// up without a reload. Its screenshot goes to reports/overview.png (not tracked, so a test run
// leaves the tree clean); copy it over docs/overview.png to refresh the README's picture.
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../browser/test/support/chromium.js';
import { beaconEvent, postBeacon, testApp } from './support/test-app.js';
import { sendVisits } from './support/visits.js';

const TOKEN = 'page-token-1';
const SCREENSHOT = fileURLToPath(new URL('../../reports/overview.png', import.meta.url));

describe('the overview page', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  const problems: string[] = [];

  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN });
    await sendVisits(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Every console error counts, CSP violations included ("Refused to execute inline script...").
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('is served with a strict Content-Security-Policy', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).not.toMatch(/<script>|<style|style="/);
    const script = await fetch(`${base}/overview/overview.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect((await script.text()).length).toBeGreaterThan(10_000);
  });

  it('asks for the token, then shows figures, chart, lists and the room', async () => {
    await page.goto(`${base}/?range=1h`);
    await page.locator('#token-form').waitFor({ state: 'visible' });
    await page.fill('#token', TOKEN);
    await page.click('#token-form button[type=submit]');
    await page.locator('#overview').waitFor({ state: 'visible' });

    const figure = (metric: string) => page.locator(`.figure[data-metric="${metric}"] .figure-value`).textContent();
    expect(await figure('visitors')).toBe('3');
    expect(await figure('page_views')).toBe('6');
    expect(await figure('room_entries')).toBe('1');
    expect(await page.locator('.figure[data-metric="page_views"] .figure-change').textContent()).toBe('↑ 500%');

    const labels = (list: string) => page.locator(`[data-list="${list}"] .row .label`).allTextContents();
    expect(await labels('top_pages')).toEqual(['/', '/about', '/contact', '/projects']);
    expect(await labels('sources')).toEqual(['news.ycombinator.com', 'www.google.com']);
    expect(await labels('flows')).toEqual(['/ → /about', '/about → /contact']);
    // The refused value, its reason and what to do about it.
    expect(await labels('refused')).toEqual([
      expect.stringMatching(/^cv-downloadunknown_object: add object `cv-download` to a room of site `portfolio` in `.*catalog\.json`$/),
    ]);
    expect(await page.locator('#seen-never-clicked .chip').allTextContents()).toEqual(['Laptop']); // the catalog's label, not the id
    expect(await page.locator('#objects tbody tr').count()).toBe(8);

    // uPlot drew its canvas at the panel's width.
    const canvas = page.locator('#chart canvas');
    expect(await canvas.count()).toBe(1);
    expect((await canvas.boundingBox())!.width).toBeGreaterThan(600);
    // The bars behind the rows are sized through the CSSOM, which the policy allows.
    const bar = await page
      .locator('[data-list="top_pages"] .row .bar')
      .first()
      .evaluate((element) => (element as HTMLElement).style.width);
    expect(Number.parseFloat(bar)).toBeCloseTo((2 / 3) * 100, 2);
  });

  it('shows a new event without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { beforeLive: boolean }).beforeLive = true));
    const response = await postBeacon(app, { events: [beaconEvent({ session: 'visit-live', path: '/blog' })] });
    expect(response.statusCode).toBe(202);
    // The stream sends a fresh summary every 5 s; the new page appears in the list from it.
    await page.locator('[data-list="top_pages"] .row .label', { hasText: '/blog' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.figure[data-metric="page_views"] .figure-value').textContent()).toBe('7');
    // Same document: no reload happened.
    expect(await page.evaluate(() => (window as unknown as { beforeLive?: boolean }).beforeLive)).toBe(true);
  });

  it('filters the whole page by a clicked row, and lets the filter go', async () => {
    const pageViews = () => page.locator('.figure[data-metric="page_views"] .figure-value').textContent();
    await page.locator('[data-list="top_pages"] .row', { hasText: '/about' }).click();
    await page.locator('#filters [data-filter="page"]').waitFor();
    expect(await page.locator('#filters [data-filter="page"]').textContent()).toBe('Page is /about×');
    expect(new URL(page.url()).searchParams.get('page')).toBe('/about');
    // visit-1 and visit-2 read /about: 3 + 2 page views.
    await page.waitForFunction(() => document.querySelector('.figure[data-metric="page_views"] .figure-value')?.textContent === '5');
    expect(await page.locator('[data-list="sources"] .row .label').allTextContents()).toEqual(['news.ycombinator.com', 'www.google.com']);
    await page.locator('#filters .remove').click();
    await page.waitForFunction(() => document.querySelector('.figure[data-metric="page_views"] .figure-value')?.textContent === '7');
    expect(await page.locator('#filters').isVisible()).toBe(false);
    expect(await pageViews()).toBe('7');
  });

  it('logged no error and no CSP violation', async () => {
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
  });
});

describe('the overview page without a token, before any event', () => {
  it('opens straight onto the figures, with zeros and empty lists that say so', async () => {
    const app = await testApp();
    const browser = await launchChromium();
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`);
      await page.locator('#overview').waitFor({ state: 'visible' });
      expect(await page.locator('#token-form').isVisible()).toBe(false);
      expect(await page.locator('.figure[data-metric="visitors"] .figure-value').textContent()).toBe('0');
      expect(await page.locator('[data-list="top_pages"] .empty').textContent()).toBe('No page views in this range.');
      expect(await page.locator('#seen-never-clicked .empty').textContent()).toBe('No object was seen in this range.');
      expect(await page.locator('#objects tbody tr').count()).toBe(8);
      expect(await page.locator('#ranges button[aria-pressed="true"]').textContent()).toBe('24 hours');
      expect(await page.locator('#chart canvas').count()).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await app.close();
    }
  });
});
