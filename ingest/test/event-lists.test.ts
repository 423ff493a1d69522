// Outbound links, downloads and each page's scroll depth and time on page in /api/stats, sent as
// beacons through the capture path and compared with a count made here from the stored raw rows.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileOf } from '../src/stats/event-lists.js';
import { LIST_LENGTH } from '../src/stats/lists.js';
import { beaconEvent, postBeacon, queryRows, testApp } from './support/test-app.js';

const TOKEN = 'owner-token-1';
const OUTBOUND = ['https://github.com/someone', 'https://www.linkedin.com/in/someone', 'https://example.org/talk'];
const FILES = ['http://localhost:5173/cv.pdf', 'http://localhost:5173/slides/deck.pptx', 'https://cdn.example.net/paper.pdf'];
const PAGES = ['/', '/about', '/projects', '/blog/long-read'];

interface RawRow {
  type: string;
  session_id: string;
  visitor_id: string;
  path: string;
  nav_to: string;
  duration_ms: number;
  scroll_depth: string;
}

/** A small deterministic generator (mulberry32): the same visits every run, varied enough to rank. */
function generator(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
}

describe('event lists in /api/stats', () => {
  let app: FastifyInstance;
  let stats: Record<string, any>;
  let raw: RawRow[];
  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN });
    const pick = generator(7);
    const start = Date.now() - 40 * 60_000;
    for (let visit = 0; visit < 14; visit++) {
      const session = `visit-${visit}`;
      const events: Array<Record<string, unknown>> = [];
      let at = start + visit * 60_000;
      for (let step = 0; step < 1 + pick(4); step++) {
        const path = PAGES[pick(PAGES.length)]!;
        events.push(beaconEvent({ session, ts: (at += 1000), path }));
        // Some links carry a query and a fragment: stored without them.
        if (pick(3) === 0)
          events.push(beaconEvent({ session, ts: (at += 1000), path, type: 'outbound', to: `${OUTBOUND[pick(3)]}?ref=${visit}#top` }));
        if (pick(3) === 0) events.push(beaconEvent({ session, ts: (at += 1000), path, type: 'download', to: FILES[pick(3)] }));
        // Left (or hidden) once or twice; a visit gone before the lazy part came has no depth.
        for (let left = 0; left < 1 + pick(2); left++) {
          const props = pick(4) === 0 ? undefined : { scroll_depth: 10 + pick(91) };
          events.push(beaconEvent({ session, ts: (at += 1000), path, type: 'time_spent', duration_ms: 500 + pick(60_000), props }));
        }
      }
      // Older than the range: never counted.
      events.push(beaconEvent({ session, ts: Date.now() - 3 * 3_600_000, type: 'outbound', to: OUTBOUND[0] }));
      const response = await postBeacon(app, { site: 'portfolio', events }, { origin: 'http://localhost:5173' });
      expect(response.statusCode).toBe(202);
      expect(response.json().refused).toEqual([]);
    }
    raw = await queryRows<RawRow>(
      app,
      `SELECT toString(type) AS type, session_id, visitor_id, path, nav_to, duration_ms, props['scroll_depth'] AS scroll_depth
       FROM events WHERE site = 'portfolio' AND ts >= now() - INTERVAL 1 HOUR`,
    );
    const response = await app.inject({ url: '/api/stats?range=1h', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(200);
    stats = response.json();
  });
  afterAll(async () => {
    await app.close();
  });

  /** Followed links of a type, counted from the raw rows: distinct visitors and clicks per URL, ranked. */
  function followed(type: string) {
    const byUrl = new Map<string, { visitors: Set<string>; clicks: number }>();
    for (const row of raw.filter((row) => row.type === type)) {
      const entry = byUrl.get(row.nav_to) ?? { visitors: new Set(), clicks: 0 };
      entry.visitors.add(row.visitor_id);
      entry.clicks++;
      byUrl.set(row.nav_to, entry);
    }
    return (
      [...byUrl]
        .map(([url, { visitors, clicks }]) => ({ url, visitors: visitors.size, clicks }))
        .sort((a, b) => b.visitors - a.visitors || b.clicks - a.clicks || a.url.localeCompare(b.url))
        .slice(0, LIST_LENGTH)
        // The hour before (the compared period) followed no link: every row's change is null.
        .map((row) => ({ ...row, change: null }))
    );
  }

  it('lists outbound links by URL without query, with visitors and clicks, as the raw events count them', () => {
    const expected = followed('outbound');
    expect(expected.length).toBeGreaterThan(1);
    expect(expected.some((row) => row.clicks > row.visitors)).toBe(true);
    expect(stats.outbound_links).toEqual(expected);
    for (const row of stats.outbound_links) expect(OUTBOUND).toContain(row.url);
  });

  it('lists downloads by file and URL, with visitors and clicks, as the raw events count them', () => {
    const expected = followed('download').map((row) => ({ file: fileOf(row.url), ...row }));
    expect(expected.length).toBeGreaterThan(1);
    expect(stats.downloads).toEqual(expected);
    expect(stats.downloads.map((row: { file: string }) => row.file).sort()).toEqual(
      expected.map((row) => row.url.slice(row.url.lastIndexOf('/') + 1)).sort(),
    );
  });

  it("gives each page the mean of its visits' deepest scroll and engaged time, as the raw events count them", () => {
    const visits = new Map<string, { path: string; depth: number; engaged: number }>();
    for (const row of raw.filter((row) => row.type === 'time_spent')) {
      const key = `${row.session_id} ${row.path}`;
      const entry = visits.get(key) ?? { path: row.path, depth: 0, engaged: 0 };
      entry.depth = Math.max(entry.depth, Number(row.scroll_depth || 0));
      entry.engaged += Number(row.duration_ms);
      visits.set(key, entry);
    }
    // Some visits of a page measured no depth: they count for the time, not for the depth.
    expect([...visits.values()].some((visit) => visit.depth === 0)).toBe(true);
    const byPath = new Map<string, Array<{ depth: number; engaged: number }>>();
    for (const { path, ...visit } of visits.values()) byPath.set(path, [...(byPath.get(path) ?? []), visit]);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const expected = [...byPath]
      .map(([path, list]) => {
        const measured = list.filter((visit) => visit.depth > 0).map((visit) => visit.depth);
        return {
          path,
          visits: list.length,
          scroll_depth: measured.length === 0 ? null : mean(measured),
          time_on_page_s: mean(list.map((visit) => visit.engaged)) / 1000,
        };
      })
      .sort((a, b) => b.visits - a.visits || a.path.localeCompare(b.path));
    expect(expected.length).toBe(PAGES.length);
    expect(stats.page_engagement.map((row: { path: string; visits: number }) => [row.path, row.visits])).toEqual(
      expected.map((row) => [row.path, row.visits]),
    );
    stats.page_engagement.forEach((row: (typeof expected)[number], index: number) => {
      expect(row.scroll_depth).toBeCloseTo(expected[index]!.scroll_depth!, 9);
      expect(row.time_on_page_s).toBeCloseTo(expected[index]!.time_on_page_s, 9);
    });
  });
});
