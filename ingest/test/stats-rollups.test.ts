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
 * 4 to 23 minutes apart, so many cross an hour, some a day. Some are anonymised (no ids).
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
      const type = step === 0 ? 'page_view' : pick(['page_view', 'page_view', 'room_enter', 'object_view', 'object_click', 'time_spent']);
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
    site = app.catalog.sites.get('portfolio')!;
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
    }
  });

  it('read whole hours from the rollups: raw events deleted behind them leave a long range unchanged', async () => {
    const before = await read('7d', true);
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
    const { page_engagement: engagementAfter, engagement: pathAfter, goals: _ga, properties: _pa, ...rolledAfter } = withoutLive(after);
    const { page_engagement: engagementBefore, engagement: pathBefore, goals: _gb, properties: _pb, ...rolledBefore } = withoutLive(before);
    expect(rolledAfter).toEqual(rolledBefore);
    expect(engagementAfter).not.toEqual(engagementBefore);
    expect(pathAfter).not.toEqual(pathBefore);
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
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'type') AS daily,
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'page') AS daily_views,
                (SELECT sum(page_views) FROM visits_per_hour) AS visit_views,
                (SELECT sum(page_views) + sum(room_entries) FROM visits_per_hour) AS visit_counted`,
      );
      expect(sums[0]).toEqual({
        raw: 300,
        hourly: 300,
        hourly_all: 300,
        daily: 300,
        daily_views: views,
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
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'type') AS daily,
                (SELECT sum(events) FROM events_per_day WHERE dimension = 'all') AS daily_all,
                (SELECT sum(page_views) FROM visits_per_hour) AS visit_views`,
      );
      expect(filled).toEqual({
        hourly: stored.length,
        hourly_all: stored.length,
        daily: stored.length,
        daily_all: stored.length,
        visit_views: stored.filter((event) => event.type === 'page_view' && event.session_id !== '').length,
      });
      // Written after the fill: counted by the views, once.
      await store(
        client,
        stored.slice(0, 10).map((event) => ({ ...event, event_id: `${event.event_id}-later` })),
      );
      const [later] = await rowsOf(client, "SELECT sum(events) AS n FROM events_per_hour WHERE dimension = 'type'");
      expect(later).toEqual({ n: stored.length + 10 });
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
