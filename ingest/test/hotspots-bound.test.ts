// Hotspots bounded per page and day at accept time: past MAX_SELECTORS_PER_PAGE distinct selectors
// of one site, day, page and viewport class, a click is kept with its place but under "other
// elements" (''); each viewport class and each page has a bound of its own; a restarted service
// learns the names already kept and holds the same bound; an e-mail address in a selector sent by
// any tracker is masked. Counts checked against the stored rows and /api/hotspots.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SELECTORS_PER_PAGE, OTHER_ELEMENTS, SelectorBound } from '../src/hotspots/selector-bound.js';
import { beaconEvent, postBeacon, queryRows, testApp } from './support/test-app.js';

const click = (path: string, selector: string, viewport = 'desktop') =>
  beaconEvent({ type: 'ui_click', path, props: { selector, tag: 'div', x: 10, y: 20, viewport } });

/** Beacons of at most 100 events each. */
async function send(app: FastifyInstance, events: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < events.length; i += 100) {
    const response = await postBeacon(app, { site: 'portfolio', events: events.slice(i, i + 100) });
    expect(response.statusCode, response.body).toBe(202);
    expect(JSON.parse(response.body).refused).toEqual([]);
  }
}

describe('hotspot selectors bounded per page and day', () => {
  let app: FastifyInstance;
  const extra = 7;

  beforeAll(async () => {
    app = await testApp();
    const names = Array.from(
      { length: MAX_SELECTORS_PER_PAGE + extra },
      (_, i) => `#el-${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}`,
    );
    // Every name twice on /crowded (desktop), the first 3 on phones and on another page.
    await send(app, [
      ...names.flatMap((name) => [click('/crowded', name), click('/crowded', name)]),
      ...names.slice(0, 3).map((name) => click('/crowded', name, 'phone')),
      ...names.slice(0, 3).map((name) => click('/calm', name)),
      click('/calm', 'a "Write to me@example.com"'),
    ]);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('keeps the first names of a page and viewport, and the later clicks with their place under other elements', async () => {
    const stored = await queryRows<{ selector: string; clicks: string; places: string }>(
      app,
      `SELECT props['selector'] AS selector, count() AS clicks, uniqExact(props['x'], props['y']) AS places
       FROM events WHERE type = 'ui_click' AND path = '/crowded' AND props['viewport'] = 'desktop' GROUP BY selector`,
    );
    expect(stored).toHaveLength(MAX_SELECTORS_PER_PAGE + 1);
    const others = stored.find((row) => row.selector === OTHER_ELEMENTS);
    expect(Number(others?.clicks)).toBe(2 * extra);
    expect(Number(others?.places)).toBe(1);
    expect(stored.filter((row) => row.selector !== OTHER_ELEMENTS).every((row) => Number(row.clicks) === 2)).toBe(true);
    const answer = (await (await app.inject({ url: '/api/hotspots?site=portfolio&range=24h&path=/crowded&viewport=desktop' })).json()) as {
      total_clicks: number;
      cells: unknown[];
    };
    expect(answer.total_clicks).toBe(2 * (MAX_SELECTORS_PER_PAGE + extra));
    expect(answer.cells).toEqual([{ x: 10, y: 20, clicks: 2 * (MAX_SELECTORS_PER_PAGE + extra) }]);
  });

  it('gives each viewport class and each page a bound of its own, and masks e-mail addresses', async () => {
    const stored = await queryRows<{ path: string; viewport: string; selector: string }>(
      app,
      `SELECT path, props['viewport'] AS viewport, props['selector'] AS selector FROM events
       WHERE type = 'ui_click' AND (path = '/calm' OR props['viewport'] = 'phone') ORDER BY path, viewport, selector`,
    );
    expect(stored.map((row) => `${row.path} ${row.viewport} ${row.selector}`)).toEqual([
      '/calm desktop #el-a0',
      '/calm desktop #el-b0',
      '/calm desktop #el-c0',
      '/calm desktop a "Write to [email]"',
      '/crowded phone #el-a0',
      '/crowded phone #el-b0',
      '/crowded phone #el-c0',
    ]);
  });

  it('reads whole hours from the rollup and the partial ones from raw events: exact at the edge of a period', async () => {
    const at = (minutesAgo: number, x: number, y: number) =>
      beaconEvent({
        type: 'ui_click',
        path: '/timed',
        ts: Date.now() - minutesAgo * 60_000,
        props: { selector: '#go', tag: 'a', x, y, viewport: 'tablet' },
      });
    await send(app, [at(180, 10, 10), at(180, 30, 10), at(120, 10, 10), at(30, 50, 90), at(1, 50, 90)]);
    const rolled = await queryRows<{ clicks: string }>(
      app,
      `SELECT sum(clicks) AS clicks FROM hotspots_per_hour WHERE path = '/timed' AND kind = 'element'`,
    );
    expect(Number(rolled[0]?.clicks)).toBe(5);
    const read = async (range: string) =>
      (await (await app.inject({ url: `/api/hotspots?site=portfolio&range=${range}&path=/timed&viewport=tablet` })).json()) as {
        total_clicks: number;
        elements: Array<{ selector: string; clicks: number; x: number; y: number }>;
        cells: unknown[];
      };
    const day = await read('24h');
    expect(day.total_clicks).toBe(5);
    // Mean place of #go: x (10 + 30 + 10 + 50 + 50) / 5, y (10 + 10 + 10 + 90 + 90) / 5.
    expect(day.elements).toEqual([{ path: '/timed', selector: '#go', tag: 'a', clicks: 5, x: 30, y: 42 }]);
    expect(day.cells).toEqual([
      { x: 10, y: 10, clicks: 2 },
      { x: 30, y: 10, clicks: 1 },
      { x: 50, y: 90, clicks: 2 },
    ]);
    const hour = await read('1h');
    expect(hour.total_clicks).toBe(2);
    expect(hour.cells).toEqual([{ x: 50, y: 90, clicks: 2 }]);
  });

  it('holds the same bound after a restart: the names kept are learnt from the stored events', async () => {
    const bound = new SelectorBound();
    await bound.load(app.clickhouse);
    const [known, fresh] = bound.bound([click('/crowded', '#el-a0'), click('/crowded', '#never-seen')].map(rowOf));
    expect(known!.props.selector).toBe('#el-a0');
    expect(fresh!.props.selector).toBe(OTHER_ELEMENTS);
    const [calm] = bound.bound([rowOf(click('/calm', '#never-seen'))]);
    expect(calm!.props.selector).toBe('#never-seen');
  });
});

/** The fields of an events row the bound reads. */
function rowOf(event: Record<string, unknown>) {
  const props = Object.fromEntries(Object.entries(event.props as object).map(([key, value]) => [key, String(value)]));
  return { site: 'portfolio', type: 'ui_click', ts: Date.now(), path: event.path, props } as unknown as Parameters<
    SelectorBound['bound']
  >[0][number];
}
