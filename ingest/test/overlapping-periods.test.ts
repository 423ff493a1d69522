// A period compared with one that overlaps it: eighteen months (2025-01-01 to 2026-06-30) against
// the same dates a year before (2024-01-01 to 2025-06-30), which share the first half of 2025.
// The summary reads both periods in one query per part (stats/raw-period.ts, build-sql.ts): an
// event of the shared months counts in each period, as when each period was read alone. Every
// figure and change checked here is counted from the generated events in the test, apart from the
// service's SQL.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clock, type RawEvent } from './support/raw-events.js';
import { testApp } from './support/test-app.js';

const CURRENT = ['2025-01-01', '2026-06-30'] as const;
const PREVIOUS = ['2024-01-01', '2025-06-30'] as const;
const LINKS = ['https://github.com/someone', 'https://github.com/someone/repo', 'https://example.org/talk'];
const PATHS = ['/', '/about', '/thanks'];
const GOALS = [
  { name: 'GitHub', outbound: 'https://github.com/*' },
  { name: 'Thanks', page: '/thanks*' },
];

/** A raw event row with the columns the goals read too. */
interface Event extends RawEvent {
  nav_to: string;
  props: Record<string, string>;
}

/** A visit every 29 hours from 2024-01-01 to 2026-07-10 (UTC): a page view, a link followed, a signup; 61 visitors coming back. */
function makeEvents(): Event[] {
  const events: Event[] = [];
  const start = Date.parse('2024-01-01T00:00:00Z') / 1000;
  const end = Date.parse('2026-07-10T00:00:00Z') / 1000;
  let n = 0;
  for (let s = start; s < end; s += 29 * 3600) {
    n += 1;
    const visit = { site: 'span', session_id: `span-visit-${n}`, visitor_id: `span-visitor-${n % 61}`, source: 'beacon' };
    const path = PATHS[(n * 5) % PATHS.length]!;
    const add = (type: string, at: number, extra: Partial<Event> = {}) =>
      events.push({
        ...visit,
        type,
        ts: clock(at),
        s: at,
        event_id: `span-${n}-${type}`,
        path,
        nav_to: '',
        props: {},
        received_at: clock(at),
        ...extra,
      });
    add('page_view', s);
    if (n % 3 !== 0) add('outbound', s + 20, { nav_to: LINKS[(n + Math.floor(n / 40)) % LINKS.length]! });
    add('signup', s + 40, { props: { plan: n % 4 === 0 ? 'pro' : 'free' } });
  }
  return events;
}

const events = makeEvents();
const dayOf = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
const within = ([from, to]: readonly [string, string]) => events.filter((e) => dayOf(e.s) >= from && dayOf(e.s) <= to);
const visitors = (chosen: Event[]) => new Set(chosen.map((e) => e.visitor_id)).size;
const changeOf = (now: number, before: number) => (before === 0 ? null : (now - before) / before);

function catalogFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-overlap-')), 'catalog.json');
  writeFileSync(
    file,
    JSON.stringify({
      sites: [{ id: 'span', origins: ['https://span.example.com'], props: ['plan'], goals: GOALS }],
      eventTypes: ['page_view', 'outbound', 'signup'],
    }),
  );
  return file;
}

describe('a period compared with an overlapping one', () => {
  let app: FastifyInstance;
  let stats: Record<string, any>;
  const current = within(CURRENT);
  const previous = within(PREVIOUS);

  beforeAll(async () => {
    // Kept ten years: the events reach back further than the default retention of raw events.
    app = await testApp({
      catalogFile: catalogFile(),
      retention: { eventsDays: 3650, tracesDays: 30, metricsDays: 30, rollupsDays: 3650 },
    });
    await app.clickhouse.insert({ table: 'events', values: events.map(({ s: _s, ...row }) => row), format: 'JSONEachRow' });
    const response = await app.inject(`/api/stats?site=span&from=${CURRENT[0]}&to=${CURRENT[1]}&compare=year`);
    expect(response.statusCode, response.body).toBe(200);
    stats = response.json();
  });

  afterAll(async () => {
    await app.close();
  });

  it('shares months: the test is about an overlap', () => {
    expect(current.filter((e) => previous.includes(e)).length).toBeGreaterThan(100);
  });

  it('counts the shared months in both periods: links, goals and properties', () => {
    const links = (chosen: Event[], url: string) => visitors(chosen.filter((e) => e.type === 'outbound' && e.nav_to === url));
    expect(stats.outbound_links.map((row: { url: string }) => row.url).sort()).toEqual([...LINKS].sort());
    for (const row of stats.outbound_links) {
      expect(row.visitors, row.url).toBe(links(current, row.url));
      expect(row.change, row.url).toBeCloseTo(changeOf(links(current, row.url), links(previous, row.url))!, 12);
    }
    const reached = {
      GitHub: (e: Event) => e.type === 'outbound' && e.nav_to.startsWith('https://github.com/'),
      Thanks: (e: Event) => e.type === 'page_view' && e.path.startsWith('/thanks'),
    };
    for (const goal of stats.goals) {
      const test = reached[goal.goal as keyof typeof reached];
      expect(goal.visitors, goal.goal).toBe(visitors(current.filter(test)));
      expect(goal.change, goal.goal).toBeCloseTo(changeOf(visitors(current.filter(test)), visitors(previous.filter(test)))!, 12);
    }
    const plan = stats.properties.find((pair: { type: string; key: string }) => pair.type === 'signup' && pair.key === 'plan');
    for (const value of plan.values) {
      const of = (chosen: Event[]) => visitors(chosen.filter((e) => e.type === 'signup' && e.props.plan === value.value));
      expect(value.visitors, value.value).toBe(of(current));
      expect(value.change, value.value).toBeCloseTo(changeOf(of(current), of(previous))!, 12);
    }
  });

  it('counts the shared months in both periods: pages, entry pages and the compared visits', () => {
    const views = (chosen: Event[], path: string) => chosen.filter((e) => e.type === 'page_view' && e.path === path).length;
    expect(stats.top_pages.map((row: { path: string }) => row.path).sort()).toEqual([...PATHS].sort());
    for (const row of stats.top_pages) {
      expect(row.views, row.path).toBe(views(current, row.path));
      expect(row.change, row.path).toBeCloseTo(changeOf(views(current, row.path), views(previous, row.path))!, 12);
    }
    // One page view a visit: its page is where it began, and every visit is a bounce.
    for (const row of stats.entry_pages) {
      expect(row.visits, row.path).toBe(views(current, row.path));
      expect(row.change, row.path).toBeCloseTo(changeOf(views(current, row.path), views(previous, row.path))!, 12);
    }
    expect(stats.previous.bounce_rate).toBe(1);
    expect(stats.previous.visit_duration_s).toBe(40);
  });

  it('counts the shared months in both periods: the headline figures', () => {
    expect(stats.page_views).toBe(current.filter((e) => e.type === 'page_view').length);
    expect(stats.previous.page_views).toBe(previous.filter((e) => e.type === 'page_view').length);
    expect(stats.previous.visitors).toBe(visitors(previous));
  });
});
