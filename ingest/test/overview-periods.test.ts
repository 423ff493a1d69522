// The overview page's periods in real Chromium, for a site in America/Los_Angeles: a custom span
// of dates chosen with the two date inputs and compared with the same dates a year before; the
// headline figures, their changes, a ranked row's change and the chart's compared line are checked
// against counts made here from the generated events by local date. Screenshots at a desktop and a
// phone width go to reports/ (not tracked); on the phone the presets are a select and nothing is
// wider than the screen.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { addDays } from './support/raw-events.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../browser/test/support/chromium.js';
import { insertLines } from '../src/pipeline/batch-insert.js';
import { testApp } from './support/test-app.js';

const ZONE = 'America/Los_Angeles';
const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
const DESKTOP = fileURLToPath(new URL('../../reports/overview-periods-desktop.png', import.meta.url));
const PHONE = fileURLToPath(new URL('../../reports/overview-periods-phone.png', import.meta.url));

const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const localDate = (seconds: number) => dateFormat.format(new Date(seconds * 1000));
const yearBefore = (date: string) => `${Number(date.slice(0, 4)) - 1}${date.slice(4)}`;
const clock = (seconds: number) => new Date(seconds * 1000).toISOString().replace('T', ' ').replace('Z', '');

interface Event {
  type: string;
  s: number;
  session_id: string;
  visitor_id: string;
  path: string;
}

/** A visit every 97 minutes over the last 380 days, busier in the last 60: /, then /about or the room. */
function makeEvents(): Event[] {
  const events: Event[] = [];
  let n = 0;
  for (let start = NOW - 380 * DAY; start < NOW - 600; start += start > NOW - 60 * DAY ? 61 * 60 : 97 * 60) {
    n += 1;
    for (let step = 0; step < 1 + (n % 3); step += 1) {
      events.push({
        type: step === 2 ? 'room_enter' : 'page_view',
        s: start + step * 120,
        session_id: `visit-${n}`,
        visitor_id: `visitor-${n % 131}`,
        path: step === 0 ? '/' : '/about',
      });
    }
  }
  return events;
}

const events = makeEvents();

function headline(from: string, to: string) {
  const inside = events.filter((event) => localDate(event.s) >= from && localDate(event.s) <= to);
  return {
    visitors: new Set(inside.map((event) => event.visitor_id)).size,
    visits: new Set(inside.map((event) => event.session_id)).size,
    page_views: inside.filter((event) => event.type === 'page_view').length,
    room_entries: inside.filter((event) => event.type === 'room_enter').length,
    home_views: inside.filter((event) => event.type === 'page_view' && event.path === '/').length,
  };
}

/** Visits whose first page view between the local dates `[from, to]` was of `path`. */
function entries(from: string, to: string, path: string): number {
  const first = new Map<string, Event>();
  for (const event of events) {
    if (event.type !== 'page_view' || localDate(event.s) < from || localDate(event.s) > to) continue;
    const seen = first.get(event.session_id);
    if (!seen || event.s < seen.s) first.set(event.session_id, event);
  }
  return [...first.values()].filter((event) => event.path === path).length;
}

/** The page's way of writing a count and a change (format.ts), for the numbers counted here. */
const whole = (value: number) => new Intl.NumberFormat('en', { maximumFractionDigits: 0 }).format(value);
function changeText(current: number, previous: number): string {
  if (previous === 0) return current === 0 ? '–' : 'new';
  const ratio = (current - previous) / previous;
  if (Math.abs(ratio) < 0.005) return '0%';
  return `${ratio > 0 ? '↑' : '↓'} ${Math.round(Math.abs(ratio) * 100)}%`;
}

function catalogFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-page-periods-')), 'catalog.json');
  writeFileSync(
    file,
    JSON.stringify({
      sites: [{ id: 'coast', origins: ['https://coast.example.com'], timezone: ZONE }],
      eventTypes: ['page_view', 'room_enter'],
    }),
  );
  return file;
}

describe('the overview page’s periods', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  const problems: string[] = [];

  beforeAll(async () => {
    app = await testApp({ catalogFile: catalogFile() });
    const lines = events.map((event, index) =>
      Buffer.from(
        `${JSON.stringify({
          site: 'coast',
          type: event.type,
          ts: clock(event.s),
          event_id: `coast-${index}`,
          session_id: event.session_id,
          visitor_id: event.visitor_id,
          source: 'beacon',
          path: event.path,
          received_at: clock(event.s),
        })}\n`,
      ),
    );
    await insertLines(app.clickhouse, 'events', lines, randomUUID());
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    mkdirSync(dirname(DESKTOP), { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a custom span of dates compared with a year before: the figures, their changes and a row’s change', async () => {
    const today = localDate(NOW);
    const [from, to] = [addDays(today, -20), addDays(today, -8)];
    await page.goto(`${base}/?site=coast`);
    await page.locator('#overview').waitFor({ state: 'visible' });
    await page.click('#ranges button[data-range="custom"]');
    await page.locator('#custom-range').waitFor({ state: 'visible' });
    await page.fill('#from', from);
    await page.fill('#to', to);
    await page.click('#custom-range button[type=submit]');
    await page.selectOption('#compare', 'year');
    await page.waitForFunction(() => document.querySelector('#chart-legend-compared')?.textContent === 'a year before');
    expect(new URL(page.url()).searchParams.toString()).toBe(`site=coast&range=custom&from=${from}&to=${to}&compare=year`);

    const current = headline(from, to);
    const before = headline(yearBefore(from), yearBefore(to));
    expect(before.page_views).toBeGreaterThan(0);
    const figure = (metric: string, part: string) => page.locator(`.figure[data-metric="${metric}"] .figure-${part}`).textContent();
    for (const metric of ['visitors', 'visits', 'page_views', 'room_entries'] as const) {
      expect(await figure(metric, 'value'), metric).toBe(whole(current[metric]));
      expect(await figure(metric, 'change'), metric).toBe(changeText(current[metric], before[metric]));
    }
    // Every headline figure shows a change, the bounce rate and visit duration too.
    expect(await page.locator('.figure .figure-change').count()).toBe(6);
    const home = page.locator('[data-list="top_pages"] .row', { hasText: /^\// }).first();
    expect(await home.locator('.label').textContent()).toBe('/');
    expect(await home.locator('.num.change').textContent()).toBe(changeText(current.home_views, before.home_views));
    // The entry pages show each row's change as the other lists do: visits that began on /.
    const entered = page.locator('[data-list="entry_pages"] .row', { hasText: /^\// }).first();
    expect(await entered.locator('.label').textContent()).toBe('/');
    expect(await entered.locator('.num.change').textContent()).toBe(
      changeText(entries(from, to, '/'), entries(yearBefore(from), yearBefore(to), '/')),
    );
    expect(await page.locator('#ranges button[aria-pressed="true"]').textContent()).toBe('Custom');
    expect(await page.locator('#chart-title').textContent()).toBe(`Visitors, ${from} to ${to}`);
    // uPlot draws two lines: this period's and, dashed, the one compared.
    expect(await page.locator('#chart').getAttribute('data-lines')).toBe('2');
    await page.screenshot({ path: DESKTOP, fullPage: true });

    // No comparison: no change anywhere.
    await page.selectOption('#compare', 'none');
    await page.locator('#chart-legend').waitFor({ state: 'hidden' });
    expect(await page.locator('.figure-change').count()).toBe(0);
    expect(await page.locator('.num.change').count()).toBe(0);
    expect(await page.locator('#chart').getAttribute('data-lines')).toBe('1');
    expect(problems).toEqual([]);
  });

  it('on a phone: the presets in a select, nothing wider than the screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await phone.goto(`${base}/?site=coast&range=last_month&compare=previous`);
    await phone.locator('#overview').waitFor({ state: 'visible' });
    await phone.locator('#chart canvas').waitFor();
    expect(await phone.locator('#range-select').isVisible()).toBe(true);
    expect(await phone.locator('#ranges').isVisible()).toBe(false);
    expect(await phone.locator('#range-select').inputValue()).toBe('last_month');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.selectOption('#range-select', 'this_month');
    await phone.waitForURL(/range=this_month/);
    await phone.locator('#chart-title', { hasText: 'this month' }).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: PHONE, fullPage: true });
    await phone.close();
  });
});
