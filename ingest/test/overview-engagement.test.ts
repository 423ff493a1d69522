// The overview page's lists of what visitors did beyond page views, in real Chromium: outbound
// links, downloads and each page's reading (scroll depth and time on page), from events sent as
// beacons; screenshots at desktop and phone widths go to reports/ (not tracked).
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../browser/test/support/chromium.js';
import { BROWSER_UA, beaconEvent, postBeacon, testApp } from './support/test-app.js';

const TOKEN = 'page-token-1';
const screenshot = (name: string) => fileURLToPath(new URL(`../../reports/${name}`, import.meta.url));

describe('the overview page, beyond page views', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN });
    const at = Date.now() - 10 * 60_000;
    const visit = (session: string, depth: number, seconds: number, links: Array<[string, string]>) => [
      beaconEvent({ session, ts: at, path: '/work' }),
      ...links.map(([type, to], index) => beaconEvent({ session, ts: at + 1000 + index, path: '/work', type, to })),
      beaconEvent({
        session,
        ts: at + 5000,
        path: '/work',
        type: 'time_spent',
        duration_ms: seconds * 1000,
        props: { scroll_depth: depth },
      }),
    ];
    // Two visitors: the visitor id comes from the address and the user agent.
    const visits: Array<[string, Array<Record<string, unknown>>]> = [
      [
        BROWSER_UA,
        visit('visit-a', 100, 90, [
          ['outbound', 'https://github.com/someone'],
          ['download', 'http://localhost:5173/files/cv.pdf'],
        ]),
      ],
      [
        BROWSER_UA.replace('Chrome/131', 'Chrome/132'),
        visit('visit-b', 50, 30, [
          ['outbound', 'https://github.com/someone'],
          ['outbound', 'https://github.com/someone'],
        ]),
      ],
    ];
    // The hour before (the compared period of range=1h): a third visitor followed the GitHub link once.
    const before = Date.now() - 80 * 60_000;
    visits.push([
      BROWSER_UA.replace('Chrome/131', 'Chrome/133'),
      [
        beaconEvent({ session: 'visit-before', ts: before, path: '/work' }),
        beaconEvent({ session: 'visit-before', ts: before + 1000, path: '/work', type: 'outbound', to: 'https://github.com/someone' }),
      ],
    ]);
    for (const [userAgent, events] of visits) {
      const response = await postBeacon(app, { site: 'portfolio', events }, { origin: 'http://localhost:5173', 'user-agent': userAgent });
      expect(response.json().refused).toEqual([]);
    }
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it.each([
    ['desktop', 1280, 'engagement.png'],
    ['phone', 390, 'engagement-phone.png'],
  ])('lists outbound links, downloads and reading per page (%s)', async (_name, width, file) => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${base}/?range=1h`);
    await page.fill('#token', TOKEN);
    await page.click('#token-form button[type=submit]');
    await page.locator('#overview').waitFor({ state: 'visible' });
    const rows = (list: string) =>
      page
        .locator(`[data-engagement-list="${list}"] .row`)
        .evaluateAll((items) => items.map((item) => [...item.querySelectorAll('.label, .num')].map((cell) => cell.textContent)));
    await page.locator('[data-engagement-list="outbound_links"] .row').first().waitFor();
    // Two visitors followed the GitHub link, three times in all, against one visitor the hour
    // before: (2 - 1) / 1 more. One downloaded the CV, which no one did the hour before: new.
    expect(await rows('outbound_links')).toEqual([['github.com/someone', '2', '3', '↑ 100%']]);
    expect(await rows('downloads')).toEqual([['cv.pdflocalhost:5173/files/cv.pdf', '1', '1', 'new']]);
    // Two visits of /work: 75 % deep and 60 s on average; the visit of the hour before left no time on it.
    expect(await rows('page_engagement')).toEqual([['/work', '2', '75', '60', 'new']]);
    // The change column is headed as in the other ranked lists.
    expect(await page.locator('[data-engagement-list="outbound_links"] .list-head .change').textContent()).toBe('Change');
    await page.screenshot({ path: screenshot(file), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
