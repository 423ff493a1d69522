// The owner's notes and last week's digest on the overview page, in real Chromium: a note added
// through the page's form (its time on the site's clock, now by default) is stored, listed and
// marked on the chart; a shared link shows the markers and no form (its key may not add); the
// section "Last week in words" shows the digest's sentences of a week seeded straight into the
// events table (the beacon route rightly refuses events that old), with the visitors counted
// here from the seeded rows. Screenshots at 1280 and 390 px go to reports/ (not tracked); on the
// phone nothing is wider than the screen.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../browser/test/support/chromium.js';
import { dueWeek, weekSpan } from '../src/digest/iso-week.js';
import { insertLines } from '../src/pipeline/batch-insert.js';
import { startOfLocalDay } from '../src/stats/time-zone.js';
import { testApp } from './support/test-app.js';

const TOKEN = 'notes-owner-token';
const OWNER = { authorization: `Bearer ${TOKEN}` };
const SITE = 'portfolio';
const NOTE = 'posted on Hacker News, the launch thread';
const report = (name: string) => fileURLToPath(new URL(`../../reports/${name}`, import.meta.url));
const clock = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** Page views of `visitors` visitors on the Tuesday of the last week that has ended in the site's zone. */
function lastWeekRows(timeZone: string, visitors: number) {
  const { week } = dueWeek(Math.floor(Date.now() / 1000), timeZone, 0);
  const tuesday = (startOfLocalDay(weekSpan(week)!.from, timeZone) + 86_400 + 10 * 3600) * 1000;
  const rows = Array.from({ length: visitors }, (_, n) => ({
    site: SITE,
    type: 'page_view',
    ts: clock(tuesday + n * 60_000),
    event_id: `notes-${n}`,
    session_id: `notes-visit-${n}`,
    visitor_id: `notes-visitor-${n}`,
    source: 'beacon',
    path: '/',
    referrer_host: '',
    object_id: '',
    received_at: clock(tuesday + n * 60_000),
  }));
  return { week, lines: rows.map((row) => Buffer.from(`${JSON.stringify(row)}\n`)) };
}

describe('notes and the weekly digest on the overview page', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let shareSecret: string;
  let seededWeek: string;
  const VISITORS = 7;
  const problems: string[] = [];

  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  };

  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN });
    const seeded = lastWeekRows(app.catalog.sites.get(SITE)!.timeZone, VISITORS);
    seededWeek = seeded.week;
    await insertLines(app.clickhouse, 'events', seeded.lines, randomUUID());
    const key = await app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: OWNER,
      payload: { scope: 'read', site: SITE, kind: 'share' },
    });
    shareSecret = key.json().secret;
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('adds a note through the form: stored at now, listed, and marked on the chart', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watch(page);
    await page.goto(`${base}/?range=24h`);
    await page.fill('#token', TOKEN);
    await page.click('#token-form button[type=submit]');
    await page.locator('#note-form').waitFor({ state: 'visible' });
    expect(await page.locator('#notes .empty').textContent()).toBe('No note in this period.');
    expect(await page.locator('#chart .marker').count()).toBe(0);

    const before = Date.now();
    await page.fill('#note-form input[type=text]', NOTE);
    await page.click('#note-form button[type=submit]');
    await page.locator('#notes .note-text', { hasText: NOTE }).waitFor();

    // Stored once, at the minute the form showed (its default is now, on the site's clock).
    const listed = await app.inject({ url: `/api/annotations?site=${SITE}&range=24h`, headers: OWNER });
    const notes = listed.json().annotations as Array<{ at: string; text: string }>;
    expect(notes.map((note) => note.text)).toEqual([NOTE]);
    const at = Date.parse(notes[0]!.at);
    expect(at).toBeGreaterThan(before - 2 * 60_000);
    expect(at).toBeLessThanOrEqual(Date.now());

    const marker = page.locator('#chart .marker');
    expect(await marker.count()).toBe(1);
    expect(await marker.getAttribute('title')).toBe(NOTE);
    expect(Number(await marker.getAttribute('data-time'))).toBe(at / 1000);
    expect(await marker.locator('.marker-label').textContent()).toBe(`${NOTE.slice(0, 17)}…`);
    // The line stands inside the plot, at the right end of a rolling day.
    const plot = (await page.locator('#chart .u-over').boundingBox())!;
    const line = (await marker.boundingBox())!;
    expect(line.x + line.width / 2).toBeGreaterThan(plot.x + plot.width * 0.9);
    expect(line.x + line.width / 2).toBeLessThanOrEqual(plot.x + plot.width + 1);

    // A blank note is refused with the service's reason, and nothing more is stored.
    await page.fill('#note-form input[type=text]', '   ');
    await page.click('#note-form button[type=submit]');
    await page.locator('#note-form .error').waitFor({ state: 'visible' });
    expect(await page.locator('#note-form .error').textContent()).toMatch(/blank/);
    expect(await page.locator('#notes .note-row').count()).toBe(1);
    // The browser logs that refusal, and only it, so far.
    expect(problems.splice(0)).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);

    await page.screenshot({ path: report('overview-notes.png'), fullPage: true });
    await page.close();
  });

  it('shows last week in words: the digest of the seeded week', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watch(page);
    await page.goto(`${base}/`);
    await page.fill('#token', TOKEN);
    await page.click('#token-form button[type=submit]');
    await page.locator('#digest li').first().waitFor();
    const digest = (await app.inject({ url: `/api/digest?site=${SITE}`, headers: OWNER })).json();
    expect(digest.week).toBe(seededWeek);
    const shown = await page.locator('#digest li').allTextContents();
    expect(shown).toEqual(digest.sentences);
    expect(shown.join(' ')).toContain(`${VISITORS} visitors`);
    expect(await page.locator('#digest .note').textContent()).toBe(`${seededWeek}, ${digest.dates.from} to ${digest.dates.to}`);
    await page.close();
  });

  it('on a shared link: the markers and the digest, no form', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    watch(page);
    await page.goto(`${base}/#share=${shareSecret}`);
    await page.locator('#chart .marker').waitFor({ state: 'attached' });
    await page.locator('#digest li').first().waitFor();
    expect(await page.locator('#chart .marker').getAttribute('title')).toBe(NOTE);
    expect(await page.locator('#notes .note-text').allTextContents()).toEqual([NOTE]);
    expect(await page.locator('#note-form').count()).toBe(0);
    // On a phone nothing is wider than the screen.
    const widest = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(widest).toBeLessThanOrEqual(390);
    await page.screenshot({ path: report('overview-notes-phone.png'), fullPage: true });
    // The chart, the notes and the digest at the phone's own scale.
    await page.locator('.chart-panel').evaluate((element) => element.scrollIntoView());
    await page.screenshot({ path: report('overview-notes-phone-chart.png') });
    await page.close();
  });

  it('logged no error and no CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
