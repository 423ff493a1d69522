// Each row's change in the ranked lists read from raw events (goals, outbound links, downloads,
// property values, reading per page) through /api/stats, for a site in America/Los_Angeles: a
// week that crosses a month boundary and the end of daylight-saving time (2026-10-28 to
// 2026-11-03) against the week before, and against the same dates a year before (nothing then).
// Every figure and change is checked against a count made here from the generated events by
// their local date (Intl.DateTimeFormat), apart from the service's SQL.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertLines } from '../src/pipeline/batch-insert.js';
import { LIST_LENGTH } from '../src/stats/lists.js';
import { testApp } from './support/test-app.js';
import { clock, localDateIn, type RawEvent } from './support/raw-events.js';

const ZONE = 'America/Los_Angeles';
const WEEK = ['2026-10-28', '2026-11-03'] as const;
const WEEK_BEFORE = ['2026-10-21', '2026-10-27'] as const;
const localDate = localDateIn(ZONE);

type Event = RawEvent & { nav_to?: string; props?: Record<string, string>; duration_ms?: number };

const LINKS = ['https://github.com/someone', 'https://github.com/someone/repo', 'https://www.linkedin.com/in/someone'];
const FILES = ['https://coast.example.com/cv.pdf', 'https://coast.example.com/files/cv.pdf', 'https://coast.example.com/deck.pptx'];
/** Followed from the week under test on only: its rows have no change (null). */
const NEW_LINK = 'https://news.example.org/launch';
const NEW_FILE = 'https://coast.example.com/press-kit.zip';
const LAUNCH = Date.parse('2026-10-28T12:00:00Z') / 1000;
/** Followed by a few visitors in both weeks: in the week before it ranks below all of OLD_LINKS, past the list's length. */
const RARE_LINK = 'https://rare.example.org/';
/** Followed often before the week under test only (its local midnight, 07:00 UTC). */
const OLD_LINKS = Array.from({ length: LIST_LENGTH + 2 }, (_, index) => `https://old.example.org/${index}`);
const WEEK_START = Date.parse('2026-10-28T07:00:00Z') / 1000;

const GOALS = [
  { name: 'GitHub', outbound: 'https://github.com/*' },
  { name: 'CV', download: '*/cv.pdf' },
  { name: 'Pro signup', event: 'signup', props: { plan: 'pro' } },
  { name: 'Thanks', page: '/thanks*' },
  // Reached from the launch on only.
  { name: 'Press', download: '*/press-kit.zip' },
];
const REACHED: Record<string, (e: Event) => boolean> = {
  GitHub: (e) => e.type === 'outbound' && e.nav_to!.startsWith('https://github.com/'),
  CV: (e) => e.type === 'download' && e.nav_to!.endsWith('/cv.pdf'),
  'Pro signup': (e) => e.type === 'signup' && e.props?.plan === 'pro',
  Thanks: (e) => e.type === 'page_view' && e.path.startsWith('/thanks'),
  Press: (e) => e.type === 'download' && e.nav_to!.endsWith('/press-kit.zip'),
};

/**
 * A visit every 41 minutes from 2026-10-14 to 2026-11-10 (UTC), each a page view then some of: an
 * outbound link, a download, a signup with properties, a time on page; the mix drifts with the
 * visit's number so the two weeks differ row by row. Visitors come back (173 of them, each once or twice a week).
 */
function makeEvents(): Event[] {
  const events: Event[] = [];
  const start = Date.parse('2026-10-14T00:00:00Z') / 1000;
  const end = Date.parse('2026-11-10T00:00:00Z') / 1000;
  let n = 0;
  for (let s = start; s < end; s += 41 * 60) {
    n += 1;
    const visit = { site: 'coast', session_id: `coast-visit-${n}`, visitor_id: `coast-visitor-${n % 173}`, source: 'beacon' };
    const path = ['/', '/about', '/thanks', '/thanks/you'][(n * 7) % (3 + (n % 2))]!;
    let step = 0;
    const add = (type: string, extra: Partial<Event> = {}) => {
      const at = s + step * 20;
      step += 1;
      events.push({ ...visit, type, ts: clock(at), s: at, event_id: `coast-${n}-${step}`, path, received_at: clock(at), ...extra });
    };
    add('page_view');
    if (n % 3 !== 0) add('outbound', { nav_to: LINKS[(n + Math.floor(n / 97)) % LINKS.length] });
    if (n % 5 === 1 || n % 7 === 2) add('download', { nav_to: FILES[(n * 5 + Math.floor(n / 131)) % FILES.length] });
    if (s >= LAUNCH && n % 4 === 0) add('outbound', { nav_to: NEW_LINK });
    if (s >= LAUNCH && n % 6 === 1) add('download', { nav_to: NEW_FILE });
    if (n % 50 === 3) add('outbound', { nav_to: RARE_LINK });
    if (s < WEEK_START) add('outbound', { nav_to: OLD_LINKS[n % OLD_LINKS.length] });
    if (n % 4 === 1)
      add('signup', { props: { plan: (n + Math.floor(n / 89)) % 3 === 0 ? 'pro' : 'free', theme: n % 8 < 3 ? 'dark' : 'light' } });
    if (n % 2 === 0) add('time_spent', { duration_ms: 1000 + (n % 50) * 700, props: { scroll_depth: String(10 + (n % 90)) } });
  }
  return events;
}

const events = makeEvents();
const inside = ([from, to]: readonly [string, string]) => events.filter((e) => localDate(e.s) >= from && localDate(e.s) <= to);
const visitorsOf = (chosen: Event[]) => new Set(chosen.map((e) => e.visitor_id)).size;

/** Distinct visitors of each key among the events of a type. */
function visitorsBy(chosen: Event[], type: string, keyOf: (e: Event) => string): Map<string, number> {
  const sets = new Map<string, Set<string>>();
  for (const e of chosen.filter((e) => e.type === type)) sets.set(keyOf(e), (sets.get(keyOf(e)) ?? new Set()).add(e.visitor_id));
  return new Map([...sets].map(([key, set]) => [key, set.size]));
}

/** The change as the API gives it: null when the row had nothing then. */
const changeOf = (now: number, before: number) => (before === 0 ? null : (now - before) / before);

function expectChanges(
  rows: Array<{ key: string; figure: number; change: number | null }>,
  now: Map<string, number>,
  before: Map<string, number>,
  what: string,
) {
  expect(rows.map((row) => row.key).sort(), what).toEqual([...now.keys()].sort());
  for (const row of rows) {
    expect(row.figure, `${what} ${row.key}`).toBe(now.get(row.key));
    const expected = changeOf(now.get(row.key)!, before.get(row.key) ?? 0);
    if (expected === null) expect(row.change, `${what} ${row.key}`).toBeNull();
    else expect(row.change, `${what} ${row.key}`).toBeCloseTo(expected, 12);
  }
}

function catalogFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-list-changes-')), 'catalog.json');
  writeFileSync(
    file,
    JSON.stringify({
      sites: [{ id: 'coast', origins: ['https://coast.example.com'], timezone: ZONE, props: ['plan', 'theme'], goals: GOALS }],
      eventTypes: ['page_view', 'outbound', 'download', 'signup', 'time_spent'],
    }),
  );
  return file;
}

describe('each ranked row’s change in the lists read from raw events', () => {
  let app: FastifyInstance;
  const stats = async (query: string) => {
    const response = await app.inject(`/api/stats?site=coast&${query}`);
    expect(response.statusCode, `${query}: ${response.body}`).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    app = await testApp({ catalogFile: catalogFile() });
    const lines = events.map(({ s: _s, ...row }) => Buffer.from(`${JSON.stringify(row)}\n`));
    await insertLines(app.clickhouse, 'events', lines, randomUUID());
  });
  afterAll(async () => {
    await app.close();
  });

  it('a week across a month boundary and the end of daylight-saving time, against the week before', async () => {
    const week = await stats(`from=${WEEK[0]}&to=${WEEK[1]}&compare=previous`);
    const [now, before] = [inside(WEEK), inside(WEEK_BEFORE)];
    // Seven local days holding the 25-hour one.
    expect(week.period.to - week.period.from).toBe(7 * 86_400 + 3600);

    // Goals: converted visitors, against the week before's.
    const goalVisitors = (chosen: Event[]) => new Map(GOALS.map((goal) => [goal.name, visitorsOf(chosen.filter(REACHED[goal.name]!))]));
    const goals: Array<{ goal: string; visitors: number; change: number | null }> = week.goals;
    expectChanges(
      goals.map((row) => ({ key: row.goal, figure: row.visitors, change: row.change })),
      goalVisitors(now),
      goalVisitors(before),
      'goal',
    );

    // Outbound links and downloads: visitors per URL.
    for (const [field, type] of [
      ['outbound_links', 'outbound'],
      ['downloads', 'download'],
    ] as const) {
      const rows: Array<{ url: string; visitors: number; change: number | null }> = week[field];
      expectChanges(
        rows.map((row) => ({ key: row.url, figure: row.visitors, change: row.change })),
        visitorsBy(now, type, (e) => e.nav_to!),
        visitorsBy(before, type, (e) => e.nav_to!),
        field,
      );
    }

    // Property values: visitors per (key, value) of the signups.
    const byValue = (chosen: Event[]) =>
      new Map(['plan', 'theme'].flatMap((key) => [...visitorsBy(chosen, 'signup', (e) => `${key}=${e.props![key]}`)]));
    const values: Array<{ key: string; figure: number; change: number | null }> = week.properties.flatMap(
      (pair: { type: string; key: string; values: Array<{ value: string; visitors: number; change: number | null }> }) =>
        pair.values.map((row) => ({ key: `${pair.key}=${row.value}`, figure: row.visitors, change: row.change })),
    );
    expect(week.properties.map((pair: { type: string }) => pair.type)).toEqual(['signup', 'signup']);
    expectChanges(values, byValue(now), byValue(before), 'property');

    // Reading per page: visits that left a time on the page.
    const visitsByPath = (chosen: Event[]) => {
      const sets = new Map<string, Set<string>>();
      for (const e of chosen.filter((e) => e.type === 'time_spent')) sets.set(e.path, (sets.get(e.path) ?? new Set()).add(e.session_id));
      return new Map([...sets].map(([path, set]) => [path, set.size]));
    };
    const reading: Array<{ path: string; visits: number; change: number | null }> = week.page_engagement;
    expectChanges(
      reading.map((row) => ({ key: row.path, figure: row.visits, change: row.change })),
      visitsByPath(now),
      visitsByPath(before),
      'page_engagement',
    );

    // The generated weeks tell a right answer from a wrong one: rows grew and fell, and rows new this week have no change.
    const changes = [...goals, ...week.outbound_links, ...week.downloads, ...values].map((row) => row.change);
    expect(changes.some((change) => change !== null && change > 0)).toBe(true);
    expect(changes.some((change) => change !== null && change < 0)).toBe(true);
    expect(goals.find((row) => row.goal === 'Press')).toMatchObject({ change: null });
    expect(goals.find((row) => row.goal === 'Press')!.visitors).toBeGreaterThan(0);
    expect(week.outbound_links.find((row: { url: string }) => row.url === NEW_LINK)).toMatchObject({ change: null });
    expect(week.downloads.find((row: { url: string }) => row.url === NEW_FILE)).toMatchObject({ change: null });
    // A row's change whatever its rank then: the rare link ranked past the list's length the week before.
    const ranks = [...visitorsBy(before, 'outbound', (e) => e.nav_to!)].sort((a, b) => b[1] - a[1]).map(([url]) => url);
    expect(ranks.indexOf(RARE_LINK)).toBeGreaterThanOrEqual(LIST_LENGTH);
    expect(week.outbound_links.find((row: { url: string }) => row.url === RARE_LINK).change).not.toBeNull();
  });

  it('a filtered week against the filtered week before: the visits that signed up for pro', async () => {
    const filtered = await stats(`from=${WEEK[0]}&to=${WEEK[1]}&compare=previous&goal=${encodeURIComponent('Pro signup')}`);
    // The visits with a pro signup in each week, and their events.
    const theirs = (dates: readonly [string, string]) => {
      const chosen = inside(dates);
      const sessions = new Set(chosen.filter(REACHED['Pro signup']!).map((e) => e.session_id));
      return chosen.filter((e) => sessions.has(e.session_id));
    };
    const [now, before] = [theirs(WEEK), theirs(WEEK_BEFORE)];
    const goalVisitors = (chosen: Event[]) => new Map(GOALS.map((goal) => [goal.name, visitorsOf(chosen.filter(REACHED[goal.name]!))]));
    const goals: Array<{ goal: string; visitors: number; change: number | null }> = filtered.goals;
    expectChanges(
      goals.map((row) => ({ key: row.goal, figure: row.visitors, change: row.change })),
      goalVisitors(now),
      goalVisitors(before),
      'goal',
    );
    const rows: Array<{ url: string; visitors: number; change: number | null }> = filtered.outbound_links;
    expectChanges(
      rows.map((row) => ({ key: row.url, figure: row.visitors, change: row.change })),
      visitorsBy(now, 'outbound', (e) => e.nav_to!),
      visitorsBy(before, 'outbound', (e) => e.nav_to!),
      'outbound_links',
    );
    // Narrower than the unfiltered week: the filter applied to both periods.
    expect(goals.find((row) => row.goal === 'GitHub')!.visitors).toBeLessThan(visitorsOf(inside(WEEK).filter(REACHED.GitHub!)));
    expect(goals.filter((row) => row.change !== null && row.change !== 0).length).toBeGreaterThan(0);
  });

  it('the same dates a year before, when nothing was stored: every row new', async () => {
    const year = await stats(`from=${WEEK[0]}&to=${WEEK[1]}&compare=year`);
    const rows = [
      ...year.goals,
      ...year.outbound_links,
      ...year.downloads,
      ...year.page_engagement,
      ...year.properties.flatMap((pair: { values: unknown[] }) => pair.values),
    ];
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expect(row).toHaveProperty('change', null);
  });
});
