// /api/hotspots against counts made here from the generated clicks, for every source the read
// plans (hotspot-sources.ts): every page from the week, day and hour rows of
// hotspot_elements_per_span with raw partial hours, one page or one viewport class from the hourly
// rollup with raw partial hours, and periods with no whole week, no whole day or no whole hour. Clicks over 40 days on three pages, in every viewport class and none (OpenTelemetry clicks:
// no place), some with a place out of the document (counted, never placed), are written straight
// into `events` as the pipeline writes a batch, twice with the same token (a retry): nothing
// counts twice. The fill migration gives the rows the view wrote; whole hours of every page are
// read from the span rows alone.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../src/clickhouse/migrate.js';
import { HOTSPOT_LIST_LIMIT } from '../src/hotspots/read-hotspots.js';
import { insertLines } from '../src/pipeline/batch-insert.js';
import { clock } from './support/raw-events.js';
import { queryRows, testApp } from './support/test-app.js';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
const HISTORY_DAYS = 40;
/** The rolling ranges read, in seconds: no click is made this close to where one begins, so the read's own clock decides nothing. */
const ROLLING = { '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY } as const;
const MARGIN = 15 * MINUTE;

interface Click {
  s: number;
  path: string;
  selector: string;
  tag: string;
  viewport: string;
  x?: number;
  y?: number;
}

const PAGES = ['/', '/work', '/about'];
/** Ten elements a page, each with one tag; '' is "other elements". */
const SELECTORS = ['#buy', 'nav > a "Work"', '#hero', 'footer a', '', '#menu', 'button "Send"', '.card:nth-child(2)', 'h1', '#logo'];

/** A click every 7 to 90 minutes over the history, spread by a fixed sequence so the run is repeatable. */
function makeClicks(): Click[] {
  const clicks: Click[] = [];
  const near = (s: number) => Object.values(ROLLING).some((range) => Math.abs(s - (NOW - range)) < MARGIN);
  let n = 0;
  for (let s = NOW - HISTORY_DAYS * DAY; s < NOW - MARGIN; s += 7 * MINUTE + ((n * 37) % 83) * MINUTE) {
    n += 1;
    if (near(s)) continue;
    // Skewed towards the first pages and elements, so the ranked lists have a clear order and ties alike.
    const path = PAGES[(n * n) % 7 < 4 ? 0 : n % 3]!;
    const index = (n * 13) % SELECTORS.length;
    const selector = SELECTORS[index % 3 === 0 ? 0 : index]!;
    const viewport = ['phone', 'tablet', 'desktop', ''][n % 4]!;
    const click: Click = { s, path, selector, tag: selector === '' ? 'div' : `tag${SELECTORS.indexOf(selector)}`, viewport };
    // OpenTelemetry clicks (no viewport class) carry no place; every ninth place is out of the document.
    if (viewport !== '') Object.assign(click, { x: n % 9 === 0 ? 150 : (n * 29) % 101, y: (n * 53) % 101 });
    clicks.push(click);
  }
  return clicks;
}

const clicks = makeClicks();

/** The UTC date some days before the test began (the catalog's site keeps UTC: its dates are whole hours). */
const date = (daysAgo: number) => new Date((NOW - daysAgo * DAY) * 1000).toISOString().slice(0, 10);

/** Mean place as the read rounds it: ClickHouse's round() of a Float64, half to even. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

const placed = (click: Click) => click.x !== undefined && click.y !== undefined && click.x <= 100 && click.y <= 100;

/** What /api/hotspots should answer for the clicks of `[from, to)`, counted here. */
function expected(from: number, to: number | null, query: { path?: string; viewport?: string }) {
  const inPeriod = clicks.filter(
    (click) =>
      click.s >= from &&
      (to === null || click.s < to) &&
      (query.path === undefined || click.path === query.path) &&
      (query.viewport === undefined || click.viewport === query.viewport),
  );
  const pages = new Map<string, number>();
  const elements = new Map<string, { path: string; selector: string; tag: string; clicks: number; placed: number; x: number; y: number }>();
  const cells = new Map<string, { x: number; y: number; clicks: number }>();
  for (const click of inPeriod) {
    pages.set(click.path, (pages.get(click.path) ?? 0) + 1);
    const key = `${click.path} ${click.selector}`;
    const element = elements.get(key) ?? { path: click.path, selector: click.selector, tag: click.tag, clicks: 0, placed: 0, x: 0, y: 0 };
    element.clicks += 1;
    if (placed(click)) {
      element.placed += 1;
      element.x += click.x!;
      element.y += click.y!;
      const cell = cells.get(`${click.x} ${click.y}`) ?? { x: click.x!, y: click.y!, clicks: 0 };
      cell.clicks += 1;
      cells.set(`${click.x} ${click.y}`, cell);
    }
    elements.set(key, element);
  }
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    total_clicks: inPeriod.length,
    pages:
      query.path === undefined
        ? [...pages]
            .map(([path, count]) => ({ path, clicks: count }))
            .sort((a, b) => b.clicks - a.clicks || byText(a.path, b.path))
            .slice(0, HOTSPOT_LIST_LIMIT)
        : [],
    elements: [...elements.values()]
      .sort((a, b) => b.clicks - a.clicks || byText(a.path, b.path) || byText(a.selector, b.selector))
      .slice(0, HOTSPOT_LIST_LIMIT)
      .map((element) => ({
        path: element.path,
        selector: element.selector,
        tag: element.tag,
        clicks: element.clicks,
        x: element.placed === 0 ? null : roundHalfEven(element.x / element.placed),
        y: element.placed === 0 ? null : roundHalfEven(element.y / element.placed),
      })),
    cells: query.path === undefined ? [] : [...cells.values()].sort((a, b) => a.x - b.x || a.y - b.y),
  };
}

describe('hotspots read from the rollups and raw events, exact for any period', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await testApp();
    const lines = clicks.map((click, i) =>
      Buffer.from(
        `${JSON.stringify({
          site: 'portfolio',
          type: 'ui_click',
          ts: clock(click.s),
          event_id: `click-${i}`,
          session_id: `session-${i % 17}`,
          visitor_id: `visitor-${i % 11}`,
          source: 'beacon',
          path: click.path,
          props: {
            selector: click.selector,
            tag: click.tag,
            ...(click.viewport === '' ? {} : { viewport: click.viewport, x: String(click.x), y: String(click.y) }),
          },
          received_at: clock(click.s),
        })}\n`,
      ),
    );
    // The same batch twice with its token, as a retry sends it: stored once, in every rollup too.
    const token = randomUUID();
    await insertLines(app.clickhouse, 'events', lines, token);
    await insertLines(app.clickhouse, 'events', lines, token);
  });
  afterAll(async () => {
    await app?.close();
  });

  const read = async (query: string) => {
    const response = await app.inject(`/api/hotspots?site=portfolio&${query}`);
    expect(response.statusCode, `${query}: ${response.body}`).toBe(200);
    return response.json() as ReturnType<typeof expected> & { period: { from: number; to: number | null } };
  };

  // Every page (week and day rows), one page, one viewport class, one page in one class (hourly rollup).
  const QUERIES: Array<Record<string, string>> = [{}, { path: '/work' }, { viewport: 'phone' }, { path: '/', viewport: 'desktop' }];
  const asParams = (query: Record<string, string>) => new URLSearchParams(query).toString();

  it('a rolling range: weeks, days, hours and raw partial hours; with no whole week, no whole day, no whole hour', async () => {
    for (const range of [...Object.keys(ROLLING), 'all']) {
      for (const query of QUERIES) {
        const answer = await read(`range=${range}&${asParams(query)}`);
        const { total_clicks, pages, elements, cells } = answer;
        expect({ total_clicks, pages, elements, cells }, `${range} ${asParams(query)}`).toEqual(
          expected(answer.period.from, answer.period.to, query),
        );
      }
    }
    // The answers above hold clicks: the check is not one of empty lists.
    expect((await read('range=30d')).total_clicks).toBeGreaterThan(500);
  });

  it('periods of dates: several whole weeks, days only, one day', async () => {
    for (const [from, to] of [
      [date(38), date(3)],
      [date(12), date(10)],
      [date(5), date(5)],
    ]) {
      for (const query of QUERIES) {
        const answer = await read(`from=${from}&to=${to}&${asParams(query)}`);
        expect(answer.total_clicks, `${from} ${to}`).toBeGreaterThan(0);
        const { total_clicks, pages, elements, cells } = answer;
        expect({ total_clicks, pages, elements, cells }, `${from} to ${to} ${asParams(query)}`).toEqual(
          expected(answer.period.from, answer.period.to, query),
        );
      }
    }
  });

  it('holds every click once in each span, and the fill migration makes the rows the view wrote', async () => {
    const stored = () =>
      queryRows<Record<string, string>>(
        app,
        `SELECT span, toUnixTimestamp(start) AS start, path, selector, tag, sum(clicks) AS clicks, sum(placed) AS placed, sum(sum_x) AS sum_x, sum(sum_y) AS sum_y
         FROM hotspot_elements_per_span GROUP BY span, start, path, selector, tag ORDER BY span, start, path, selector, tag`,
      );
    const written = await stored();
    const sum = (span: string) => written.filter((row) => row.span === span).reduce((total, row) => total + Number(row.clicks), 0);
    for (const span of ['hour', 'day', 'week']) expect(sum(span), span).toBe(clicks.length);
    await app.clickhouse.command({ query: 'TRUNCATE TABLE hotspot_elements_per_span' });
    await app.clickhouse.command({ query: readFileSync(join(MIGRATIONS_DIR, '0056_fill_hotspot_elements_per_span.sql'), 'utf8') });
    expect(await stored()).toEqual(written);
  });

  // Last: it empties the other sources.
  it('reads whole hours of every page from the span rows alone: raw events and the hourly rollup emptied change nothing', async () => {
    const query = `from=${date(38)}&to=${date(3)}`;
    const before = await read(query);
    expect(before.total_clicks).toBeGreaterThan(500);
    await app.clickhouse.command({ query: 'TRUNCATE TABLE events' });
    await app.clickhouse.command({ query: 'TRUNCATE TABLE hotspots_per_hour' });
    expect(await read(query)).toEqual(before);
    // One page is read from the hourly rollup: now empty.
    expect((await read(`${query}&path=/work`)).total_clicks).toBe(0);
  });
});
