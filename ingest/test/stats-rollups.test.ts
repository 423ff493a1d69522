// The rollups behind /api/stats (hourly, daily, per visit) on the embedded engine: every range's
// answer read through them equals the one read from raw events alone, on two months of visits
// with events on the ranges' edges and visits across hour and day boundaries; the figures match
// counts made here from the generated events; whole hours are really read from the rollups; a
// re-sent batch is counted once in each; events stored before the rollups existed are filled in.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteEntry } from '../src/catalog/catalog.js';
import { createClickHouse } from '../src/clickhouse/client.js';
import { MIGRATIONS_DIR, migrate } from '../src/clickhouse/migrate.js';
import { insertLines } from '../src/pipeline/batch-insert.js';
import { parseQuery } from '../src/stats/parse-query.js';
import { planQuery, stretchesOf } from '../src/stats/plan-query.js';
import { RANGES, RANGE_NAMES, readStats, type Range, type Stats } from '../src/stats/stats.js';
import { countOf, freshDataDir, testApp } from './support/test-app.js';

const HOUR = 3600;
const DAY = 86_400;
const PATHS = ['/', '/about', '/projects', '/contact', '/blog', '/cv'];
const OBJECTS = ['guitar', 'laptop', 'bookshelf', 'camera'];
const REFERRERS = ['', '', 'news.ycombinator.com', 'www.google.com', 'localhost:5173'];
const COUNTRIES = ['DE', 'FR', 'US', ''];
const DEVICES = ['desktop', 'mobile', 'tablet'];
const BROWSERS = ['Chrome', 'Firefox', 'Safari'];
const LINKS = {
  outbound: ['https://github.com/someone', 'https://github.com/someone/repo', 'https://mastodon.social/@someone'],
  download: ['https://portfolio.example/cv.pdf', 'https://portfolio.example/talk.zip'],
};
/** A goal of each kind the rollups answer; the last site of the tests adds one they cannot (two property matches). */
const GOALS = [
  { name: 'CV page', page: '/cv*' },
  { name: 'Guitar', object: 'guitar' },
  { name: 'GitHub', outbound: 'https://github.com/*' },
  { name: 'PDF', download: '*.pdf' },
  { name: 'Signed up', event: 'signup' },
  { name: 'Pro', event: 'signup', props: { plan: 'pro' } },
];

interface Event {
  site: string;
  type: string;
  ts: string;
  event_id: string;
  session_id: string;
  visitor_id: string;
  source: string;
  path: string;
  referrer_host: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  object_id: string;
  room_id: string;
  nav_from: string;
  nav_to: string;
  props: Record<string, string>;
  device: string;
  browser: string;
  os: string;
  country: string;
  received_at: string;
  /** Epoch milliseconds, for the counts made here; not a column. */
  ms: number;
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const clock = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/**
 * Visits over the last 62 days (both periods of every range), a busier last two hours, and visits
 * that straddle each range's start and the start of the period before it; each visit's events are
 * 4 to 23 minutes apart, so many cross an hour, some a day. Some are anonymised (no ids). Some
 * follow links out or to files, or sign up with properties: what goals, links and properties read.
 */
function makeEvents(now: number): Event[] {
  const next = random(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const starts: number[] = [];
  for (let i = 0; i < 500; i += 1) starts.push(now * 1000 - next() * 62 * DAY * 1000);
  for (let i = 0; i < 120; i += 1) starts.push(now * 1000 - next() * 2 * HOUR * 1000);
  for (const range of RANGE_NAMES) {
    for (const edge of [RANGES[range], 2 * RANGES[range]]) {
      for (const offset of [-1500, -30_000, -600_000, 1, 59_000]) starts.push((now - edge) * 1000 + offset);
    }
  }
  const events: Event[] = [];
  starts.forEach((start, visit) => {
    const anonymous = visit % 37 === 0;
    const visitor = anonymous ? '' : `visitor-${visit % 260}`;
    const session = anonymous ? '' : `visit-${visit}`;
    let ms = Math.round(start);
    let path = pick(PATHS);
    let from = '';
    const length = 1 + Math.floor(next() * 6);
    for (let step = 0; step < length; step += 1) {
      // A client's clock may run up to 5 minutes ahead: such events count in every range, as before.
      if (ms > (now + 300) * 1000) break;
      const type =
        step === 0
          ? 'page_view'
          : pick(['page_view', 'page_view', 'room_enter', 'object_view', 'object_click', 'time_spent', 'outbound', 'download', 'signup']);
      const object = type === 'object_view' || type === 'object_click' ? pick(OBJECTS) : '';
      if (type === 'page_view' && step > 0) {
        from = path;
        path = pick(PATHS);
      }
      const campaign = step === 0 && visit % 5 === 0;
      events.push({
        site: 'portfolio',
        type,
        ts: clock(ms),
        ms,
        event_id: `evt-${visit}-${step}`,
        session_id: session,
        visitor_id: visitor,
        source: 'beacon',
        path,
        referrer_host: step === 0 ? pick(REFERRERS) : '',
        utm_source: campaign ? pick(['newsletter', 'mastodon']) : '',
        utm_medium: campaign ? 'social' : '',
        utm_campaign: campaign ? 'launch' : '',
        object_id: object,
        room_id: object || type === 'room_enter' ? 'studio' : '',
        nav_from: type === 'page_view' ? from : '',
        nav_to: type === 'outbound' || type === 'download' ? pick(LINKS[type]) : '',
        // The tracker's own key (scroll_depth) is no property of the site's: left out of both.
        props:
          type === 'signup'
            ? { plan: pick(['pro', 'free']), theme: pick(['dark', 'light']) }
            : type === 'time_spent'
              ? { scroll_depth: String(Math.floor(next() * 101)) }
              : {},
        device: pick(DEVICES),
        browser: pick(BROWSERS),
        os: 'Linux',
        country: pick(COUNTRIES),
        received_at: clock(ms),
      });
      ms += Math.round((4 + next() * 19) * 60_000);
    }
  });
  return events;
}

async function store(client: ClickHouseClient, events: readonly Event[]): Promise<void> {
  const lines = events.map(({ ms: _ms, ...row }) => Buffer.from(`${JSON.stringify(row)}\n`));
  await insertLines(client, 'events', lines, randomUUID());
}

/** Everything but the live figures, which are read from raw events either way at ClickHouse's own "now". */
function withoutLive(stats: Stats): Partial<Stats> {
  const { active_visitors: _a, visits_last_minute: _v, recent_events: _r, ...rest } = stats;
  return rest;
}

describe('stretches of a range', () => {
  const midnight = 20_000 * DAY;

  it('are cut where hours and days begin, raw events only at the edges', () => {
    // The day under way from the daily rollup, the hour before it from the hourly one.
    expect(stretchesOf(midnight - 1.5 * HOUR, undefined, ['hour', 'day'], midnight + HOUR / 2)).toEqual([
      { source: 'raw', from: midnight - 1.5 * HOUR, to: midnight - HOUR },
      { source: 'hour', from: midnight - HOUR, to: midnight },
      { source: 'day', from: midnight, to: undefined },
    ]);
    // Only hours offered (a time series by the hour): the hour under way too, once one has ended.
    expect(stretchesOf(midnight - 1.5 * HOUR, undefined, ['hour'], midnight + HOUR / 2)).toEqual([
      { source: 'raw', from: midnight - 1.5 * HOUR, to: midnight - HOUR },
      { source: 'hour', from: midnight - HOUR, to: undefined },
    ]);
    // A closed period (the one before a range): whole days inside, raw events at both ends.
    expect(stretchesOf(midnight - DAY - 600, midnight + 900, ['hour', 'day'])).toEqual([
      { source: 'raw', from: midnight - DAY - 600, to: midnight - DAY },
      { source: 'day', from: midnight - DAY, to: midnight },
      { source: 'raw', from: midnight, to: midnight + 900 },
    ]);
    // Without grains (a time series by the minute, filters): raw events throughout.
    expect(stretchesOf(midnight - DAY, undefined, [])).toEqual([{ source: 'raw', from: midnight - DAY, to: undefined }]);
  });

  it('leave a range of minutes or an hour to raw events: none of its whole hours has ended', () => {
    expect(stretchesOf(midnight + 600, undefined, ['hour', 'day'], midnight + 900)).toEqual([
      { source: 'raw', from: midnight + 600, to: undefined },
    ]);
    expect(stretchesOf(midnight + HOUR + 600, undefined, ['hour', 'day'], midnight + 2 * HOUR + 600)).toEqual([
      { source: 'raw', from: midnight + HOUR + 600, to: undefined },
    ]);
  });
});

describe('rollups behind /api/stats', () => {
  let app: FastifyInstance;
  let site: SiteEntry;
  const now = Math.floor(Date.now() / 1000);
  const events = makeEvents(now);
  const read = (range: Range, rollups: boolean) => readStats(app.clickhouse, site, range, [], {}, { rollups, now });

  beforeAll(async () => {
    app = await testApp();
    site = { ...app.catalog.sites.get('portfolio')!, goals: GOALS };
    await store(app.clickhouse, events);
  });
  afterAll(async () => {
    await app.close();
  });

  it('answer every range exactly as raw events do', async () => {
    for (const range of RANGE_NAMES) {
      const [fromRollups, fromRaw] = await Promise.all([read(range, true), read(range, false)]);
      expect(withoutLive(fromRollups), range).toEqual(withoutLive(fromRaw));
    }
  });

  it('read the breakdowns of a rolling range from hours alone, of a long period from days too, alike', async () => {
    const sourcesOf = (range: Range, period?: '12mo') =>
      new Set(planQuery(parseQuery(site, range, {}, { now, ...(period ? { period } : {}) })).breakdowns.map((stretch) => stretch.source));
    // Days would be a source of their own there, for a few hundred hours at most.
    for (const range of ['24h', '7d', '30d'] as const) expect(sourcesOf(range).has('day'), range).toBe(false);
    expect(sourcesOf('30d').has('hour')).toBe(true);
    expect(sourcesOf('30d', '12mo').has('day')).toBe(true);
    const options = { now, period: '12mo' as const };
    const [fromRollups, fromRaw] = await Promise.all([
      readStats(app.clickhouse, site, '30d', [], {}, { ...options, rollups: true }),
      readStats(app.clickhouse, site, '30d', [], {}, { ...options, rollups: false }),
    ]);
    expect(fromRollups.top_pages.length).toBeGreaterThan(0);
    expect(withoutLive(fromRollups)).toEqual(withoutLive(fromRaw));
  });

  it('read goals and properties of a long period from whole days, and goals the rollups cannot answer from raw events, alike', async () => {
    const planOf = (of: SiteEntry, period?: '12mo' | 'this_month') =>
      planQuery(parseQuery(of, '30d', {}, { now, ...(period ? { period } : {}) }));
    const sources = (stretches: readonly { source: string }[]) => [...new Set(stretches.map((stretch) => stretch.source))].sort();
    // A rolling range of days reads them raw: its last days hold most of its events, merged no cheaper from the rollup.
    expect(sources(planOf(site).properties)).toEqual(['raw']);
    expect(sources(planOf(site).goals)).toEqual(['raw']);
    expect(sources(planOf(site, '12mo').properties)).toContain('day');
    expect(sources(planOf(site, '12mo').goals)).toContain('day');
    // Two property matches at once: no rollup row holds both, so the goals are read raw.
    const twoProps = { ...site, goals: [...GOALS, { name: 'Pro, dark', event: 'signup', props: { plan: 'pro', theme: 'dark' } }] };
    expect(sources(planOf(twoProps, '12mo').goals)).toEqual(['raw']);
    expect(sources(planOf(twoProps, '12mo').properties)).toContain('day');
    for (const of of [site, twoProps]) {
      for (const period of ['12mo', 'this_month'] as const) {
        const [fromRollups, fromRaw] = await Promise.all([
          readStats(app.clickhouse, of, '30d', [], {}, { now, period, rollups: true }),
          readStats(app.clickhouse, of, '30d', [], {}, { now, period, rollups: false }),
        ]);
        expect(
          fromRollups.goals.every((goal) => goal.visitors > 0),
          period,
        ).toBe(true);
        expect(fromRollups.properties.length, period).toBeGreaterThan(0);
        expect(withoutLive(fromRollups), period).toEqual(withoutLive(fromRaw));
      }
    }
  });

  it('give the figures counted here from the events themselves', async () => {
    for (const range of ['24h', '7d', '30d'] as const) {
      const since = (now - RANGES[range]) * 1000;
      const inRange = events.filter((event) => event.ms >= since);
      const stats = await read(range, true);
      expect(stats.total_events, range).toBe(inRange.length);
      expect(stats.page_views, range).toBe(inRange.filter((event) => event.type === 'page_view').length);
      expect(stats.visitors, range).toBe(new Set(inRange.filter((event) => event.visitor_id !== '').map((event) => event.visitor_id)).size);
      expect(stats.visits, range).toBe(new Set(inRange.filter((event) => event.session_id !== '').map((event) => event.session_id)).size);
      const guitarClicks = inRange.filter((event) => event.type === 'object_click' && event.object_id === 'guitar').length;
      expect(stats.objects.find((row) => row.object === 'guitar')?.clicks, range).toBe(guitarClicks);
      // Each visit's first page view inside the range is its entry page.
      const entries = new Map<string, string>();
      for (const event of [...inRange].sort((a, b) => a.ms - b.ms)) {
        if (event.type === 'page_view' && event.session_id !== '' && !entries.has(event.session_id))
          entries.set(event.session_id, event.path);
      }
      const top = stats.entry_pages[0]!;
      expect(top.visits, range).toBe([...entries.values()].filter((path) => path === top.path).length);
      const visitorsOf = (list: readonly Event[]) =>
        new Set(list.filter((event) => event.visitor_id !== '').map((event) => event.visitor_id)).size;
      const pro = inRange.filter((event) => event.type === 'signup' && event.props.plan === 'pro');
      expect(
        stats.goals.find((goal) => goal.goal === 'Pro'),
        range,
      ).toMatchObject({ visitors: visitorsOf(pro), events: pro.length });
      const github = inRange.filter((event) => event.type === 'outbound' && event.nav_to.startsWith('https://github.com/'));
      expect(
        stats.goals.find((goal) => goal.goal === 'GitHub'),
        range,
      ).toMatchObject({ visitors: visitorsOf(github), events: github.length });
      for (const link of stats.outbound_links) {
        const followed = inRange.filter((event) => event.type === 'outbound' && event.nav_to === link.url);
        expect(link, range).toMatchObject({ visitors: visitorsOf(followed), clicks: followed.length });
      }
      const themes = stats.properties.find((pair) => pair.type === 'signup' && pair.key === 'theme');
      for (const theme of ['dark', 'light']) {
        const set = inRange.filter((event) => event.type === 'signup' && event.props.theme === theme);
        expect(
          themes?.values.find((row) => row.value === theme),
          `${range} ${theme}`,
        ).toMatchObject({ visitors: visitorsOf(set), events: set.length });
      }
      expect(
        stats.properties.some((pair) => pair.key === 'scroll_depth'),
        range,
      ).toBe(false);
    }
  });

  it('give the goals and properties of a long period, read from whole days, as counted here from the events themselves', async () => {
    const stats = await readStats(app.clickhouse, site, '30d', [], {}, { now, period: '12mo' });
    expect(planQuery(parseQuery(site, '30d', {}, { now, period: '12mo' })).goals.some((stretch) => stretch.source === 'day')).toBe(true);
    const inPeriod = events.filter(
      (event) => event.ms >= stats.period.from * 1000 && (stats.period.to === null || event.ms < stats.period.to * 1000),
    );
    const visitorsOf = (list: readonly Event[]) =>
      new Set(list.filter((event) => event.visitor_id !== '').map((event) => event.visitor_id)).size;
    const reached: Record<string, (event: Event) => boolean> = {
      'CV page': (event) => event.type === 'page_view' && event.path.startsWith('/cv'),
      Guitar: (event) => event.type === 'object_click' && event.object_id === 'guitar',
      GitHub: (event) => event.type === 'outbound' && event.nav_to.startsWith('https://github.com/'),
      PDF: (event) => event.type === 'download' && event.nav_to.endsWith('.pdf'),
      'Signed up': (event) => event.type === 'signup',
      Pro: (event) => event.type === 'signup' && event.props.plan === 'pro',
    };
    for (const goal of stats.goals) {
      const hits = inPeriod.filter(reached[goal.goal]!);
      expect(hits.length, goal.goal).toBeGreaterThan(0);
      expect(goal, goal.goal).toMatchObject({ visitors: visitorsOf(hits), events: hits.length });
    }
    for (const key of ['plan', 'theme']) {
      const pair = stats.properties.find((row) => row.type === 'signup' && row.key === key);
      const values = new Set(inPeriod.filter((event) => event.type === 'signup').map((event) => event.props[key]!));
      expect(pair?.values.map((row) => row.value).sort(), key).toEqual([...values].sort());
      for (const row of pair!.values) {
        const set = inPeriod.filter((event) => event.type === 'signup' && event.props[key] === row.value);
        expect(row, `${key}=${row.value}`).toMatchObject({ visitors: visitorsOf(set), events: set.length });
      }
    }
  });

  it('read whole hours from the rollups: raw events deleted behind them leave a long range unchanged', async () => {
    const before = await read('7d', true);
    const year = () => readStats(app.clickhouse, site, '30d', [], {}, { now, period: '12mo' });
    const yearBefore = await year();
    // Raw events of whole hours well inside the range; the rollups keep their counts.
    const from = (Math.floor(now / HOUR) - 48) * HOUR;
    await app.clickhouse.command({
      query: `DELETE FROM events WHERE ts >= toDateTime({from:UInt32}) AND ts < toDateTime({to:UInt32})`,
      query_params: { from, to: from + 24 * HOUR },
      clickhouse_settings: { mutations_sync: '2' },
    });
    const deleted = events.filter((event) => event.ms >= from * 1000 && event.ms < (from + 24 * HOUR) * 1000).length;
    expect(deleted).toBeGreaterThan(0);
    const after = await read('7d', true);
    // Figures read from raw events alone: the lists of events other than page views (event-lists.ts),
    // goals, properties and the room's engagement path (what each click led to needs the visit's order).
    const rawRead = ({ page_engagement, engagement, goals, properties, outbound_links, downloads, ...rolled }: Partial<Stats>) => ({
      raw: { page_engagement, engagement, goals, properties, outbound_links, downloads },
      rolled,
    });
    const [afterParts, beforeParts] = [rawRead(withoutLive(after)), rawRead(withoutLive(before))];
    expect(afterParts.rolled).toEqual(beforeParts.rolled);
    // Over a long period goals and properties come from whole days of the daily rollup: unchanged too.
    const yearAfter = await year();
    expect(yearBefore.goals.every((goal) => goal.visitors > 0)).toBe(true);
    expect({ goals: yearAfter.goals, properties: yearAfter.properties }).toEqual({
      goals: yearBefore.goals,
      properties: yearBefore.properties,
    });
    for (const part of ['page_engagement', 'engagement', 'goals', 'properties', 'outbound_links', 'downloads'] as const)
      expect(afterParts.raw[part], part).not.toEqual(beforeParts.raw[part]);
    expect((await read('7d', false)).total_events).toBe(before.total_events - deleted);
  });
});

describe('rollups and re-sent batches', () => {
  it('count a batch written twice with the same token once, in every rollup', async () => {
    const client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
    try {
      await migrate(client);
      const batch = makeEvents(Math.floor(Date.now() / 1000)).slice(0, 300);
      const lines = batch.map(({ ms: _ms, ...row }) => Buffer.from(`${JSON.stringify(row)}\n`));
      const token = randomUUID();
      await insertLines(client, 'events', lines, token);
      await insertLines(client, 'events', lines, token);
      const views = batch.filter((event) => event.type === 'page_view').length;
      const withVisit = batch.filter((event) => event.session_id !== '');
      const sums = await rowsOf(
        client,
        `SELECT (SELECT count() FROM events) AS raw,
                (SELECT sum(events) FROM events_per_hour WHERE dimension = 'type') AS hourly,
                (SELECT sum(events) FROM events_per_hour WHERE dimension = 'all') AS hourly_all,
                (SELECT sum(events) FROM events_per_hour WHERE dimension = 'action') AS hourly_actions,
                (SELECT sum(events) FROM events_per_hour WHERE dimension = 'prop') AS hourly_props,
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'type') AS daily,
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'page') AS daily_views,
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'action') AS daily_actions,
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'prop') AS daily_props,
                (SELECT sum(page_views) FROM visits_per_hour) AS visit_views,
                (SELECT sum(page_views) + sum(room_entries) FROM visits_per_hour) AS visit_counted`,
      );
      expect(sums[0]).toEqual({
        raw: 300,
        hourly: 300,
        hourly_all: 300,
        hourly_actions: 300 - views,
        hourly_props: 2 * batch.filter((event) => event.type === 'signup').length,
        daily: 300,
        daily_views: views,
        daily_actions: 300 - views,
        daily_props: 2 * batch.filter((event) => event.type === 'signup').length,
        visit_views: withVisit.filter((event) => event.type === 'page_view').length,
        visit_counted: withVisit.filter((event) => event.type === 'page_view' || event.type === 'room_enter').length,
      });
    } finally {
      await client.close();
    }
  });
});

describe('rollups on a database that already holds events', () => {
  it('are filled once from the events stored before them', async () => {
    const dataDir = freshDataDir();
    const before = mkdtempSync(join(tmpdir(), 'footfall-migrations-'));
    const files = readdirSync(MIGRATIONS_DIR).filter((name) => name.endsWith('.sql'));
    for (const file of files.filter((name) => name < '0010')) cpSync(join(MIGRATIONS_DIR, file), join(before, file));
    const client = await createClickHouse({ url: undefined, dataDir });
    try {
      await migrate(client, before);
      const now = Math.floor(Date.now() / 1000);
      const stored = makeEvents(now);
      await store(client, stored);
      expect(
        await rowsOf(client, "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'events_per_hour'"),
      ).toEqual([{ n: 0 }]);
      const applied = await migrate(client);
      expect(applied).toEqual(files.filter((name) => name >= '0010').sort());
      const [filled] = await rowsOf(
        client,
        `SELECT (SELECT sum(events) FROM events_per_hour WHERE dimension = 'type') AS hourly,
                (SELECT sum(events) FROM events_per_hour WHERE dimension = 'all') AS hourly_all,
                (SELECT sum(events) FROM events_per_hour WHERE dimension = 'action') AS hourly_actions,
                (SELECT sum(events) FROM events_per_hour WHERE dimension = 'prop') AS hourly_props,
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'type') AS daily,
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'all') AS daily_all,
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'action') AS daily_actions,
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'prop') AS daily_props,
                (SELECT sum(page_views) FROM visits_per_hour) AS visit_views`,
      );
      expect(filled).toEqual({
        hourly: stored.length,
        hourly_all: stored.length,
        hourly_actions: stored.filter((event) => event.type !== 'page_view').length,
        hourly_props: 2 * stored.filter((event) => event.type === 'signup').length,
        daily: stored.length,
        daily_all: stored.length,
        daily_actions: stored.filter((event) => event.type !== 'page_view').length,
        // Two properties of the site's own per sign-up; a time spent's scroll depth is the tracker's.
        daily_props: 2 * stored.filter((event) => event.type === 'signup').length,
        visit_views: stored.filter((event) => event.type === 'page_view' && event.session_id !== '').length,
      });
      // Written after the fill: counted by the views, once.
      await store(
        client,
        stored.slice(0, 10).map((event) => ({ ...event, event_id: `${event.event_id}-later` })),
      );
      const [later] = await rowsOf(
        client,
        `SELECT (SELECT sum(events) FROM events_per_hour WHERE dimension = 'type') AS hourly,
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'type') AS daily,
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'action') AS daily_actions`,
      );
      expect(later).toEqual({
        hourly: stored.length + 10,
        daily: stored.length + 10,
        daily_actions:
          stored.filter((event) => event.type !== 'page_view').length +
          stored.slice(0, 10).filter((event) => event.type !== 'page_view').length,
      });
    } finally {
      await client.close();
      rmSync(before, { recursive: true, force: true });
    }
  });
});

async function rowsOf(client: ClickHouseClient, query: string): Promise<Array<Record<string, number>>> {
  const result = await client.query({ query, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } });
  return result.json<Record<string, number>>();
}

describe('erasure and the per-visit rollup', () => {
  it('removes the erased visit from visits_per_hour and leaves the others', async () => {
    const app = await testApp({ statsToken: 'owner-token-1' });
    try {
      const now = Math.floor(Date.now() / 1000);
      await store(
        app.clickhouse,
        makeEvents(now).filter((event) => event.session_id === 'visit-3' || event.session_id === 'visit-4'),
      );
      const visits = () => countOf(app, 'SELECT uniqExact(session_key) AS n FROM visits_per_hour');
      expect(await visits()).toBe(2);
      const response = await app.inject({
        method: 'DELETE',
        url: '/api/sessions/visit-3',
        headers: { authorization: 'Bearer owner-token-1' },
      });
      expect(response.statusCode).toBe(200);
      expect(await visits()).toBe(1);
      expect(await countOf(app, "SELECT count() AS n FROM visits_per_hour WHERE session_key = cityHash64('visit-4')")).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
