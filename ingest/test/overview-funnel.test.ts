// The overview page's funnel and period picker in real Chromium, for a site in
// America/Los_Angeles with a room: the funnel of a week that crosses a month boundary and the end
// of daylight-saving time, each step's visits, its count in the week before and its change checked
// against funnels counted here from the generated events by local date; steps typed into the
// form; the page filtered by a click on a row; a refused step. Then every period the page can
// show, at a phone, a tablet and a desktop width: the picker names it (a pressed button, or the
// select's chosen option), and nothing is wider than the screen. Screenshots go to reports/ (not
// tracked).
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../browser/test/support/chromium.js';
import { insertLines } from '../src/pipeline/batch-insert.js';
import { clock, localDateIn, type RawEvent } from './support/raw-events.js';
import { testApp } from './support/test-app.js';

const ZONE = 'America/Los_Angeles';
const MINUTE = 60;
const NOW = Math.floor(Date.now() / 1000);
/** The generated history begins a week before the week compared, and runs to now. */
const FIRST = Date.parse('2026-10-14T00:00:00Z') / 1000;
const FUNNEL_SHOT = fileURLToPath(new URL('../../reports/overview-funnel.png', import.meta.url));
const PHONE_SHOT = fileURLToPath(new URL('../../reports/overview-periods-phone-1h.png', import.meta.url));

const localDate = localDateIn(ZONE);

type Event = RawEvent & { room_id: string; object_id: string };

/**
 * A visit every 41 minutes: / then the room and a click on the guitar or the lamp; some only /, some
 * /about then the room; which ones changes with the day, so one week's funnel differs from another's.
 */
function makeEvents(): Event[] {
  const events: Event[] = [];
  let n = 0;
  for (let start = FIRST; start <= NOW - 10 * MINUTE; start += 41 * MINUTE) {
    n += 1;
    const day = new Date(start * 1000).getUTCDate();
    const steps: Array<[string, string, string]> =
      n % (2 + (day % 3)) === 0
        ? [['page_view', '/', '']]
        : n % 5 === 0
          ? [
              ['page_view', '/about', ''],
              ['room_enter', '/about', ''],
            ]
          : [
              ['page_view', '/', ''],
              ['room_enter', '/', ''],
              ['object_click', '/', n % 3 === 0 ? 'lamp' : 'guitar'],
            ];
    for (const [index, [type, path, object]] of steps.entries()) {
      const s = start + index * 3 * MINUTE;
      events.push({
        site: 'coast',
        type,
        ts: clock(s),
        s,
        event_id: `coast-${n}-${index}`,
        session_id: `coast-visit-${n}`,
        visitor_id: `coast-visitor-${n % 71}`,
        source: 'beacon',
        path,
        room_id: type === 'page_view' ? '' : 'studio',
        object_id: object,
        received_at: clock(s),
      });
    }
  }
  return events;
}

const events = makeEvents();

/**
 * For each step, the visits whose events of `[from, to]` (local dates) did the steps up to it in
 * order; only the visits in `among` when given (a filter's).
 */
function funnel(from: string, to: string, steps: Array<(event: Event) => boolean>, among?: Set<string>): number[] {
  const visits = new Map<string, Event[]>();
  const kept = (e: Event) => localDate(e.s) >= from && localDate(e.s) <= to && (among === undefined || among.has(e.session_id));
  for (const event of events.filter(kept)) visits.set(event.session_id, [...(visits.get(event.session_id) ?? []), event]);
  const reached = steps.map(() => 0);
  for (const visit of visits.values()) {
    let level = 0;
    for (const event of visit.sort((a, b) => a.s - b.s)) if (level < steps.length && steps[level]!(event)) level += 1;
    for (let step = 0; step < level; step += 1) reached[step]! += 1;
  }
  return reached;
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
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-page-funnel-')), 'catalog.json');
  writeFileSync(
    file,
    JSON.stringify({
      sites: [
        {
          id: 'coast',
          origins: ['https://coast.example.com'],
          timezone: ZONE,
          rooms: [
            {
              id: 'studio',
              label: 'The studio',
              objects: [
                { id: 'guitar', label: 'Acoustic guitar' },
                { id: 'lamp', label: 'Desk lamp' },
              ],
            },
          ],
        },
      ],
      eventTypes: ['page_view', 'room_enter', 'object_click'],
    }),
  );
  return file;
}

/**
 * Records the text the page draws on a canvas, as it is drawn (uPlot draws the chart's axes so):
 * each text with its place, alignment and width, from the last full clear of the canvas on.
 */
function recordCanvasText(): void {
  const drawn: Array<{ text: string; x: number; y: number; align: string; width: number }> = [];
  Object.assign(window, { drawnText: drawn });
  const { fillText, clearRect } = CanvasRenderingContext2D.prototype;
  CanvasRenderingContext2D.prototype.clearRect = function (x, y, width, height) {
    if (x === 0 && y === 0 && width >= this.canvas.width && height >= this.canvas.height) drawn.length = 0;
    clearRect.call(this, x, y, width, height);
  };
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, maxWidth) {
    drawn.push({ text, x, y, align: this.textAlign, width: this.measureText(text).width });
    fillText.call(this, text, x, y, maxWidth);
  };
}

/**
 * Pairs of neighbouring time labels of the chart (its bottom row, centred on their ticks) a person
 * cannot read apart: overlapping or touching (canvas pixels), or the same words twice.
 */
async function unreadableTimeLabels(page: Page): Promise<string[]> {
  const drawn = await page.evaluate(
    () => (window as unknown as { drawnText: Array<{ text: string; x: number; y: number; align: string; width: number }> }).drawnText,
  );
  // The row of time labels: the centred texts at the height most of them share (a first label's date is a line below).
  const centred = drawn.filter((text) => text.align === 'center');
  const heights = centred.map((text) => text.y);
  const row = heights.sort((a, b) => heights.filter((y) => y === b).length - heights.filter((y) => y === a).length)[0];
  const sorted = centred.filter((text) => text.y === row).sort((a, b) => a.x - b.x);
  expect(sorted.length).toBeGreaterThan(0);
  return sorted.slice(1).flatMap((label, index) => {
    const before = sorted[index]!;
    // A gap of at least 4 pixels between the end of one label and the start of the next, and other words.
    const crowded = before.x + before.width / 2 + 4 > label.x - label.width / 2;
    return crowded || before.text === label.text ? [`${before.text} | ${label.text}`] : [];
  });
}

/** Every period the page can show, and the words its picker names it by. */
const PERIODS: Array<[string, string]> = [
  ['today', 'Today'],
  ['yesterday', 'Yesterday'],
  ['5m', '5 minutes'],
  ['1h', '1 hour'],
  ['24h', '24 hours'],
  ['7d', '7 days'],
  ['30d', '30 days'],
  ['this_month', 'This month'],
  ['last_month', 'Last month'],
  ['12mo', '12 months'],
  ['all', 'All time'],
  ['custom&from=2026-10-28&to=2026-11-03', 'Custom'],
];
/** The chart's title names the period so (main.ts RANGE_TITLES): drawn for the period chosen. */
const RANGE_TITLES: Record<string, string> = {
  today: 'today',
  yesterday: 'yesterday',
  '5m': 'the last 5 minutes',
  '1h': 'the last hour',
  '24h': 'the last 24 hours',
  '7d': 'the last 7 days',
  '30d': 'the last 30 days',
  this_month: 'this month',
  last_month: 'last month',
  '12mo': 'the last 12 months',
  all: 'all time',
};

describe('the overview page’s funnel and period picker', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  };

  beforeAll(async () => {
    // A person at one address opening some 40 views in a minute: past the read API's limit per address, which is not tried here.
    app = await testApp({ catalogFile: catalogFile(), apiRateLimitPerMinute: 0 });
    const lines = events.map(({ s: _s, ...row }) => Buffer.from(`${JSON.stringify(row)}\n`));
    await insertLines(app.clickhouse, 'events', lines, randomUUID());
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    mkdirSync(dirname(FUNNEL_SHOT), { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('the room’s funnel of a week against the week before, steps typed, filtered, a step refused', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watch(page);
    await page.goto(`${base}/?site=coast&range=custom&from=2026-10-28&to=2026-11-03&compare=previous`);
    const rows = page.locator('#funnel .funnel-steps .row');
    await rows.first().waitFor();
    // The site has a room: its own question, a page, the room, a click on an object.
    const room = [(e: Event) => e.type === 'page_view', (e: Event) => e.type === 'room_enter', (e: Event) => e.type === 'object_click'];
    const week = funnel('2026-10-28', '2026-11-03', room);
    const before = funnel('2026-10-21', '2026-10-27', room);
    const cells = async (row: number) => page.locator('#funnel .funnel-steps .row').nth(row).locator('.num').allTextContents();
    expect(await page.locator('#funnel .list-head').textContent()).toBe('StepVisitsBeforeChange');
    expect(await rows.locator('.label').allTextContents()).toEqual([
      '1. viewed a page',
      `2. entered the room ${Math.round((week[1]! / week[0]!) * 100)}%`,
      `3. clicked an object ${Math.round((week[2]! / week[0]!) * 100)}%`,
    ]);
    for (const index of room.keys()) {
      expect(before[index], `step ${index + 1}`).toBeGreaterThan(0);
      expect(week[index], `step ${index + 1}`).not.toBe(before[index]);
      expect(await cells(index), `step ${index + 1}`).toEqual([
        whole(week[index]!),
        whole(before[index]!),
        changeText(week[index]!, before[index]!),
      ]);
      expect(await rows.nth(index).getAttribute('title')).toContain(`(the previous period: ${whole(before[index]!)})`);
    }
    await page.locator('#funnel').screenshot({ path: FUNNEL_SHOT });

    // Steps typed into the form: kept in the address, each named as the owner reads it.
    await page.fill('#funnel input', 'page_view:/, object_click:guitar');
    await page.click('#funnel button[type=submit]');
    await page.waitForURL(/step=/);
    expect(new URL(page.url()).searchParams.getAll('step')).toEqual(['page_view:/', 'object_click:guitar']);
    await page.locator('#funnel .row[data-step="object_click:guitar"]').waitFor();
    const guitar = [(e: Event) => e.type === 'page_view' && e.path === '/', (e: Event) => e.object_id === 'guitar'];
    const [typed, typedBefore] = [funnel('2026-10-28', '2026-11-03', guitar), funnel('2026-10-21', '2026-10-27', guitar)];
    expect(await rows.locator('.label').first().textContent()).toBe('1. viewed /');
    expect(await rows.nth(1).locator('.label').textContent()).toMatch(/^2\. clicked Acoustic guitar \d+%$/);
    expect(await cells(1)).toEqual([whole(typed[1]!), whole(typedBefore[1]!), changeText(typed[1]!, typedBefore[1]!)]);

    // A click on a list's row filters the whole page, the funnel too: the visits that viewed /about.
    await page.locator('[data-list="top_pages"] .row', { hasText: '/about' }).first().click();
    await page.waitForURL(/page=%2Fabout/);
    const sawAbout = (from: string) =>
      new Set(events.filter((e) => e.type === 'page_view' && e.path === '/about' && localDate(e.s) >= from).map((e) => e.session_id));
    const [narrowed, narrowedBefore] = [sawAbout('2026-10-28'), sawAbout('2026-10-21')];
    const filteredWeek = funnel('2026-10-28', '2026-11-03', guitar, narrowed);
    const filteredBefore = funnel('2026-10-21', '2026-10-27', guitar, narrowedBefore);
    await page
      .locator('#funnel .funnel-steps .row .num')
      .first()
      .filter({ hasText: new RegExp(`^${whole(filteredWeek[0]!)}$`) })
      .waitFor();
    expect(filteredWeek[0]).toBeLessThan(typed[0]!);
    for (const index of guitar.keys()) {
      expect(await cells(index), `filtered step ${index + 1}`).toEqual([
        whole(filteredWeek[index]!),
        whole(filteredBefore[index]!),
        changeText(filteredWeek[index]!, filteredBefore[index]!),
      ]);
    }
    await page.click('#filters .remove');
    await page.waitForURL((url) => !url.searchParams.has('page'));

    // Without a comparison: the visits alone.
    await page.selectOption('#compare', 'none');
    await page.waitForURL(/compare=none/);
    await page.locator('#funnel .list-head', { hasText: /^StepVisits$/ }).waitFor();
    expect(await cells(0)).toEqual([whole(typed[0]!)]);

    // A step of a type the catalog lacks: the service's reason, and the form to correct it.
    await page.fill('#funnel input', 'page_view, purchase');
    await page.click('#funnel button[type=submit]');
    const refusal = page.locator('#funnel .error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(
      'The funnel was refused: step "purchase": the type must be one of page_view, room_enter, object_click, optionally followed by :TARGET',
    );
    expect(await page.inputValue('#funnel input')).toBe('page_view, purchase');
    expect(problems.filter((problem) => !problem.includes('400'))).toEqual([]);
    await page.close();
  });

  it('every period the page can show is named by its picker, at a phone, a tablet and a desktop width', async () => {
    problems.length = 0;
    for (const [width, height] of [
      [390, 844],
      [800, 1000],
      [1280, 900],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height }, isMobile: width < 500 });
      watch(page);
      await page.addInitScript(recordCanvasText);
      const buttons = page.locator('#ranges');
      const select = page.locator('#range-select');
      /** What the picker shows as chosen: the pressed buttons' words, or the select's chosen option's. */
      const named = async () =>
        (await buttons.isVisible())
          ? page.locator('#ranges button[aria-pressed="true"]').allTextContents()
          : [await select.evaluate((element: HTMLSelectElement) => element.selectedOptions[0]?.text ?? '')];
      const check = async (range: string, label: string) => {
        // One of the two is shown, never both, and it names the period.
        expect(await buttons.isVisible(), `${width} px ${range}`).not.toBe(await select.isVisible());
        expect(await named(), `${width} px ${range}`).toEqual([label]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${width} px ${range}`).toBeLessThanOrEqual(width);
      };
      // Opened from an address (a bookmark, a link), then each preset chosen as a person does.
      for (const [range, label] of [PERIODS.find(([name]) => name === '1h')!, PERIODS.at(-1)!]) {
        await page.goto(`${base}/?site=coast&range=${range}`);
        await page.locator('#overview').waitFor({ state: 'visible' });
        await check(range, label);
        await page.locator('#chart canvas').waitFor();
        // The chart's times can be read: no label runs into the next.
        expect(await unreadableTimeLabels(page), `${width} px ${range}`).toEqual([]);
        if (width === 390 && range === '1h') await page.screenshot({ path: PHONE_SHOT });
      }
      for (const [range, label] of PERIODS.slice(0, -1)) {
        if (await buttons.isVisible()) await page.click(`#ranges button[data-range="${range}"]`);
        else await page.selectOption('#range-select', range);
        await page.waitForURL(new RegExp(`range=${range}&`));
        await check(range, label);
        await page.locator('#chart-title', { hasText: RANGE_TITLES[range] }).waitFor();
        expect(await unreadableTimeLabels(page), `${width} px ${range}`).toEqual([]);
      }
      await page.close();
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
