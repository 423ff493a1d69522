// The overview page's alerts section in real Chromium: the alerts the service stored (one firing,
// one resolved, one of another site) are listed for the site shown, firing first, each linking to
// the page on the anomaly's days. Its screenshot goes to reports/alerts.png (not tracked).
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../browser/test/support/chromium.js';
import { testApp } from './support/test-app.js';
import { sendVisits } from './support/visits.js';

const TOKEN = 'page-token-1';
const SCREENSHOT = fileURLToPath(new URL('../../reports/alerts.png', import.meta.url));
const HOUR = 3_600_000;

describe('the alerts on the overview page', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  const problems: string[] = [];
  // Whole minutes, as the evaluator stores them.
  const now = Math.floor(Date.now() / 60_000) * 60_000;

  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN, alertsEnabled: false });
    await sendVisits(app);
    const row = (rule: string, site: string, started: number, resolved: number | null, observed: number, expected: number) => ({
      rule,
      site,
      started_at: started / 1000,
      resolved_at: resolved === null ? null : resolved / 1000,
      observed,
      expected,
      notified: resolved === null ? 'firing' : 'resolved',
      version: Date.now(),
    });
    await app.clickhouse.insert({
      table: 'alerts',
      values: [
        row('footfall-traffic-spike', 'portfolio', now - 2 * HOUR, null, 412.4, 61.2),
        row('footfall-partial-drop', 'portfolio', now - 50 * HOUR, now - 49 * HOUR, 18.4, 44.9),
        row('footfall-tracking-broken', 'elsewhere', now - 3 * HOUR, null, 0, 30),
      ],
      format: 'JSONEachRow',
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("lists the site's firing and recent alerts, each linking to its days", async () => {
    await page.goto(`${base}/?site=portfolio&range=24h`);
    await page.locator('#token-form').waitFor({ state: 'visible' });
    await page.fill('#token', TOKEN);
    await page.click('#token-form button[type=submit]');
    await page.locator('#alerts').waitFor({ state: 'visible' });

    expect(await page.locator('#alerts h2').textContent()).toBe('Alerts: 1 firing');
    const items = page.locator('#alerts li.alert');
    expect(await items.count()).toBe(2);
    expect(await items.nth(0).getAttribute('data-rule')).toBe('footfall-traffic-spike');
    expect(await items.nth(0).locator('.alert-state').textContent()).toBe('Firing');
    expect(await items.nth(0).locator('.alert-figures').textContent()).toBe('412 events/min, expected about 61');
    expect(await items.nth(1).locator('.alert-state').textContent()).toBe('Resolved');
    expect(await items.nth(1).locator('.alert-figures').textContent()).toBe('18 events/min, expected about 45');
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    // The spike's window (30 minutes and its 2 of `for`) may begin the day before.
    const spikeFrom = day(now - 2 * HOUR - 32 * 60_000);
    expect(await items.nth(0).locator('a').getAttribute('href')).toBe(
      `/?site=portfolio&range=custom&from=${spikeFrom}&to=${day(now - 2 * HOUR)}`,
    );
    expect(await items.nth(1).locator('a').getAttribute('href')).toBe(
      `/?site=portfolio&range=custom&from=${day(now - 50 * HOUR - 40 * 60_000)}&to=${day(now - 49 * HOUR)}`,
    );
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect(problems).toEqual([]);
  });
});
