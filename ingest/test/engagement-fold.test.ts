// The room's engagement path read from the folded next-step table (engagement_steps, filled by the
// fold job off the insert path) against a walk of the events as generated and sent: every range,
// calendar period and filter the API takes; events of folded visits that arrive late, before the
// next fold and after it; a goal of the catalog edited after the fold; an erased visit. And the
// fold's reads leave the engine's block cache to the owner's reads.
import type { ClickHouseClient } from '@clickhouse/client';
import type { CatalogGoal } from '@footfall/contract';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { migrate } from '../src/clickhouse/migrate.js';
import { EngagementFold, type FoldRound } from '../src/engagement-fold/fold-engagement.js';
import { engagementSql, NEXT_STEPS, NOT_ACTIONS, readEngagement } from '../src/stats/engagement.js';
import { rows } from '../src/stats/run-query.js';
import { summaryReads } from '../src/stats/stats.js';
import {
  conversionCatalog,
  GOAL_REACHED,
  GOALS,
  OBJECTS,
  ROOM,
  sendConversionVisits,
  type SentEvent,
} from './support/conversion-visits.js';
import { insertSettledPageViews } from './support/raw-events.js';
import { beaconEvent, freshDataDir, postBeacon, SITE_ORIGIN, testApp } from './support/test-app.js';

const TOKEN = 'owner-token-1';
const HN = 'https://news.ycombinator.com/item';
const label = (object: string) => OBJECTS[object as keyof typeof OBJECTS];
/** ClickHouse orders strings by their bytes. */
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A sent event and what the walk needs beyond it: the referrer of a page view. */
type Sent = SentEvent & { referrer?: string };
type Goal = { name: string; reached: (event: Sent) => boolean };
const CATALOG_GOALS: Goal[] = GOALS.map((goal) => ({ name: goal.name, reached: GOAL_REACHED[goal.name]! }));

/** Sends the events as one beacon of `session` from `visitor`'s browser; returns them as sent. */
async function send(app: FastifyInstance, events: Sent[]): Promise<Sent[]> {
  const visitor = events[0]!.visitor;
  const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.${visitor}.0 Safari/537.36`;
  const beacon = events.map((event) =>
    beaconEvent({
      session: event.session,
      ts: event.ts,
      type: event.type,
      path: event.path,
      ...(event.object ? { object: event.object } : {}),
      ...(event.type.startsWith('room_') || event.object ? { room: ROOM.id } : {}),
      ...(event.to ? { to: event.to } : {}),
      ...(event.props ? { props: event.props } : {}),
      ...(event.referrer ? { referrer: event.referrer } : {}),
    }),
  );
  const response = await postBeacon(app, { site: 'portfolio', events: beacon }, { origin: SITE_ORIGIN, 'user-agent': userAgent });
  expect(response.statusCode).toBe(202);
  expect(response.json().refused).toEqual([]);
  return events;
}

/**
 * Visits across the last midnight (UTC, the site's zone): a click just before it followed by an
 * action just after, which `yesterday` must count as leaving and two days together as the action.
 */
function midnightVisits(midnight: number): Sent[] {
  const at = (session: string, visitor: number, events: Array<Omit<Sent, 'session' | 'visitor'>>) =>
    events.map((event) => ({ session, visitor, ...event }));
  return [
    ...at('midnight-1', 100, [
      { type: 'page_view', ts: midnight - 9000, path: '/', referrer: HN },
      { type: 'room_enter', ts: midnight - 8000, path: '/' },
      { type: 'object_view', ts: midnight - 7000, path: '/', object: 'guitar' },
      { type: 'object_click', ts: midnight - 6000, path: '/', object: 'guitar' },
      { type: 'object_click', ts: midnight - 2000, path: '/', object: 'laptop' },
      { type: 'page_view', ts: midnight + 3000, path: '/about' },
    ]),
    ...at('midnight-2', 101, [
      { type: 'page_view', ts: midnight - 5000, path: '/projects', referrer: HN },
      { type: 'object_click', ts: midnight - 1000, path: '/projects', object: 'poster' },
      { type: 'outbound', ts: midnight + 1000, path: '/projects', to: 'https://github.com/someone' },
    ]),
  ];
}

/** Each object's figures and next steps, walked here over the events of the period and filter. */
function engagementOf(all: readonly Sent[], goals: readonly Goal[], period: { from: number; to?: number }, keep = (_: Sent[]) => true) {
  const inPeriod = all.filter((e) => e.ts >= period.from * 1000 && (period.to === undefined || e.ts < period.to * 1000));
  const sessions = new Map<string, Sent[]>();
  for (const event of inPeriod) sessions.set(event.session, [...(sessions.get(event.session) ?? []), event]);
  // A filter keeps the visits with a matching event since the period began (filters.ts).
  const kept = new Set(
    [...new Set(all.map((e) => e.session))].filter((session) =>
      keep(all.filter((e) => e.session === session && e.ts >= period.from * 1000)),
    ),
  );
  const of = inPeriod.filter((e) => kept.has(e.session));
  const nextOf = (next: Sent | undefined) => {
    if (!next) return { kind: 'left', value: '' };
    const goal = goals.find((candidate) => candidate.reached(next));
    if (goal) return { kind: 'goal', value: goal.name };
    if (next.type === 'page_view') return { kind: 'page', value: next.path };
    if (next.type === 'object_click') return { kind: 'object', value: next.object! };
    return { kind: next.type, value: next.to ?? next.path };
  };
  const next = new Map<string, Map<string, number>>();
  for (const session of kept) {
    const actions = (sessions.get(session) ?? []).filter((e) => !NOT_ACTIONS.includes(e.type)).sort((a, b) => a.ts - b.ts);
    actions.forEach((event, index) => {
      if (event.type !== 'object_click') return;
      const { kind, value } = nextOf(actions[index + 1]);
      const steps = next.get(event.object!) ?? new Map<string, number>();
      steps.set(`${kind}\u0000${value}`, (steps.get(`${kind}\u0000${value}`) ?? 0) + 1);
      next.set(event.object!, steps);
    });
  }
  const visitors = (events: Sent[]) => new Set(events.map((e) => e.visitor)).size;
  return Object.keys(OBJECTS)
    .map((object) => {
      const clicks = of.filter((e) => e.type === 'object_click' && e.object === object);
      return {
        object,
        label: label(object),
        room: ROOM.id,
        room_label: ROOM.label,
        seen_visitors: visitors(of.filter((e) => e.type === 'object_view' && e.object === object)),
        clicked_visitors: visitors(clicks),
        clicks: clicks.length,
        next: [...(next.get(object) ?? [])]
          .map(([key, clicks]) => {
            const [kind, value] = key.split('\u0000') as [string, string];
            return { kind, value, label: kind === 'object' ? label(value) : value, clicks };
          })
          .sort((a, b) => b.clicks - a.clicks || byBytes(a.kind, b.kind) || byBytes(a.value, b.value))
          .slice(0, NEXT_STEPS),
      };
    })
    .sort(
      (a, b) =>
        Number(b.clicks === 0 && b.seen_visitors > 0) - Number(a.clicks === 0 && a.seen_visitors > 0) ||
        b.clicks - a.clicks ||
        b.seen_visitors - a.seen_visitors ||
        a.object.localeCompare(b.object),
    );
}

const DAY = 86_400;
const dateOf = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

/** The periods the API takes, each with its bounds (epoch seconds) as the walk applies them. */
function periodsAround(now: number, midnight: number) {
  const month = new Date(midnight * 1000);
  return [
    { query: 'range=5m', from: now - 300 },
    { query: 'range=1h', from: now - 3600 },
    { query: 'range=24h', from: now - DAY },
    { query: 'range=7d', from: now - 7 * DAY },
    { query: 'range=30d', from: now - 30 * DAY },
    { query: 'range=today', from: midnight, to: midnight + DAY },
    { query: 'range=yesterday', from: midnight - DAY, to: midnight },
    { query: `from=${dateOf(midnight - DAY)}&to=${dateOf(midnight)}`, from: midnight - DAY, to: midnight + DAY },
    {
      query: 'range=this_month',
      from: Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 1) / 1000,
      to: Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1) / 1000,
    },
    // From the oldest day stored: yesterday's, where the visits across midnight begin.
    { query: 'range=all', from: midnight - DAY, to: midnight + DAY },
  ];
}

/** The filters the API takes, each as a predicate on a visit's events since the period began. */
const FILTERS: Array<{ query: string; keep: (events: Sent[]) => boolean }> = [
  { query: '', keep: () => true },
  { query: 'page=%2Fabout', keep: (events) => events.some((e) => e.type === 'page_view' && e.path === '/about') },
  { query: 'source=news.ycombinator.com', keep: (events) => events.some((e) => e.type === 'page_view' && e.referrer === HN) },
  { query: 'prop=plan%3Dpro', keep: (events) => events.some((e) => e.props?.plan === 'pro') },
  { query: 'goal=GitHub', keep: (events) => events.some(GOAL_REACHED.GitHub!) },
  { query: 'browser=Chrome', keep: () => true },
  { query: 'device=desktop', keep: () => true },
  { query: 'country=DE', keep: () => false },
];

describe('engagement path folded off the insert path', () => {
  let app: FastifyInstance & { dataDir: string };
  let sent: Sent[];
  let fold: EngagementFold;
  let rounds: FoldRound[];
  const midnight = Math.floor(Date.now() / 1000 / DAY) * DAY;

  const get = async (query: string) => {
    app.statsFeed.forget();
    const response = await app.inject({ url: `/api/stats?${query}`, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const rowsOf = async <Row>(query: string) => (await app.clickhouse.query({ query, format: 'JSONEachRow' })).json<Row>();
  /** Visits with an event inserted after the fold's watermark: the ones the read takes raw. */
  const unfolded = async () =>
    Number(
      (
        await rowsOf<{ n: string }>(`SELECT uniqExact(session_key) AS n FROM events
          WHERE inserted_at > (SELECT max(watermark) FROM fold_watermarks WHERE job = 'engagement_steps')`)
      )[0]!.n,
    );
  const foldedClicks = async () => Number((await rowsOf<{ n: string }>('SELECT count() AS n FROM engagement_steps FINAL'))[0]!.n);
  const expectEveryPeriodAndFilter = async (goals: readonly Goal[]) => {
    const now = Math.floor(Date.now() / 1000);
    // Every period unfiltered; every filter over a rolling range and over a day that ends.
    const periods = periodsAround(now, midnight);
    const cases = [
      ...periods.map((period) => ({ period, filter: FILTERS[0]! })),
      ...periods
        .filter((period) => ['range=24h', 'range=yesterday'].includes(period.query))
        .flatMap((period) => FILTERS.slice(1).map((filter) => ({ period, filter }))),
    ];
    for (const { period, filter } of cases) {
      const stats = await get([period.query, filter.query].filter(Boolean).join('&'));
      expect(stats.engagement, `${period.query} ${filter.query}`).toEqual(engagementOf(sent, goals, period, filter.keep));
    }
  };

  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN, catalogFile: conversionCatalog() });
    sent = await sendConversionVisits(app);
    for (const session of ['midnight-1', 'midnight-2'])
      sent.push(
        ...(await send(
          app,
          midnightVisits(midnight * 1000).filter((e) => e.session === session),
        )),
      );
    expect(await app.pipeline.flush(30_000)).toBe(true);
    // No settle time: the embedded engine runs one statement at a time, and everything is flushed.
    // Few events a round, so the fold goes in several bounded slices.
    fold = new EngagementFold(app.clickhouse, { settleMs: 0, maxEventsPerRound: 40 });
    rounds = await fold.catchUp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('folds every click of a visit with its next action, in bounded rounds, up to a stored watermark', async () => {
    expect(rounds.length).toBe(Math.ceil(sent.length / 40));
    expect(rounds.length).toBeGreaterThan(1);
    expect(rounds.map((round) => round.slice)).toEqual(rounds.map((_, index) => index));
    expect(rounds.every((round) => round.events === sent.length && round.slices === rounds.length)).toBe(true);
    expect(rounds.at(-1)!.watermark).toBe(await fold.watermark());
    expect(await unfolded()).toBe(0);
    expect(await foldedClicks()).toBe(sent.filter((e) => e.type === 'object_click').length);
    // Nothing arrived since: a round folds nothing and keeps the watermark.
    expect(await fold.round()).toMatchObject({ events: 0, slices: 0, watermark: undefined });
  });

  it('answers every range, calendar period and filter from the folded steps as the walk of the events does', async () => {
    const stats = await get('range=24h');
    expect(stats.engagement.some((row: { next: unknown[] }) => row.next.length > 0)).toBe(true);
    await expectEveryPeriodAndFilter(CATALOG_GOALS);
  });

  it('stays exact when events of folded visits arrive late, before the next fold and after it', async () => {
    // A page view slipped between a folded click and its next action; a click with an old time in
    // another folded visit; the second visit across midnight going on (a visit still under way).
    const click = sent.find((e) => e.type === 'object_click' && e.session.startsWith('visit-'))!;
    const other = sent.find((e) => e.type === 'page_view' && e.session.startsWith('visit-') && e.session !== click.session)!;
    const late: Sent[] = [
      ...(await send(app, [{ ...click, type: 'page_view', object: undefined, ts: click.ts + 1, path: '/late' }])),
      ...(await send(app, [{ ...other, type: 'object_click', object: 'guitar', ts: other.ts + 1 }])),
      ...(await send(app, [
        { ...sent.find((e) => e.session === 'midnight-2')!, type: 'object_click', object: 'laptop', ts: midnight * 1000 + 2000 },
      ])),
    ];
    sent.push(...late);
    expect(await app.pipeline.flush(30_000)).toBe(true);
    expect(await unfolded()).toBe(3);
    await expectEveryPeriodAndFilter(CATALOG_GOALS);
    // Visits read raw named by a subquery (when too many to list) read the same as listed.
    const site = app.catalog.sites.get('portfolio')!;
    for (const period of [{ range: '24h' as const }, { range: '24h' as const, period: 'yesterday' as const }]) {
      const { query } = await summaryReads(app.clickhouse, site, period.range, {}, period);
      const { sql, params } = engagementSql(query, 'many');
      const listed = await readEngagement(app.clickhouse, query);
      expect(listed.some((row) => row.kind !== '')).toBe(true);
      expect(await rows(app.clickhouse, sql, params)).toEqual(listed);
    }

    // Folded again: only the visits an event arrived for wait (the service's own round, a minute
    // after start with a minute's settle time, may take a part of them on a slow machine).
    await fold.catchUp();
    expect(await unfolded()).toBe(0);
    // The visits folded again replaced their rows.
    expect(await foldedClicks()).toBe(sent.filter((e) => e.type === 'object_click').length);
    await expectEveryPeriodAndFilter(CATALOG_GOALS);
  });

  it('reads the next steps from the folded table', async () => {
    // A folded step rewritten in the table (a newer fold's row) shows in the answer: the read takes it.
    const [row] = await rowsOf<{ object: string }>(
      "SELECT toString(object) AS object FROM engagement_steps FINAL WHERE session_key = cityHash64('midnight-1') AND object = 'guitar'",
    );
    expect(row?.object).toBe('guitar');
    await app.clickhouse.command({
      query: `INSERT INTO engagement_steps SELECT site, session_key, click_id, ts, object, next_ts, 'page_view', '/rewritten', '', '', map(), folded_at + 1
              FROM engagement_steps FINAL WHERE session_key = cityHash64('midnight-1') AND object = 'guitar'`,
    });
    const stats = await get('range=24h');
    const guitar = stats.engagement.find((object: { object: string }) => object.object === 'guitar');
    expect(guitar.next).toContainEqual({ kind: 'page', value: '/rewritten', label: '/rewritten', clicks: 1 });
    // Folded again (the visit's click gets its own next step back).
    await app.clickhouse.command({
      query: "ALTER TABLE engagement_steps DELETE WHERE path = '/rewritten' SETTINGS mutations_sync = 2",
    });
    sent.push(...(await send(app, [{ ...sent.find((e) => e.session === 'midnight-1')!, type: 'room_exit', ts: midnight * 1000 + 4000 }])));
    expect(await app.pipeline.flush(30_000)).toBe(true);
    await fold.catchUp();
    expect((await get('range=24h')).engagement).toEqual(engagementOf(sent, CATALOG_GOALS, { from: Math.floor(Date.now() / 1000) - DAY }));
  });

  it('erases a visit from the folded table with its events', async () => {
    const response = await app.inject({ method: 'DELETE', url: '/api/sessions/midnight-1', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(200);
    expect(await rowsOf("SELECT * FROM engagement_steps WHERE session_key = cityHash64('midnight-1')")).toEqual([]);
    sent = sent.filter((e) => e.session !== 'midnight-1');
    const now = Math.floor(Date.now() / 1000);
    expect((await get('range=24h')).engagement).toEqual(engagementOf(sent, CATALOG_GOALS, { from: now - DAY }));
  });

  it('runs an erasure between two rounds, never during one: a round that read a visit would write its steps back', async () => {
    const order: string[] = [];
    const first = fold.round().then(() => order.push('round'));
    const erasure = fold.between(async () => {
      order.push('erasure begins');
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push('erasure ends');
    });
    const next = fold.round().then(() => order.push('next round'));
    await Promise.all([first, erasure, next]);
    expect(order).toEqual(['round', 'erasure begins', 'erasure ends', 'next round']);
  });

  it('follows the catalog goals of the time of reading: a goal edited after the fold counts the past', async () => {
    // The same store under a catalog whose Pro signup is now the free plan, with a new page goal.
    const edited: CatalogGoal[] = [
      ...GOALS.filter((goal) => goal.name !== 'Pro signup'),
      { name: 'Pro signup', event: 'signup', props: { plan: 'free' } },
      { name: 'Home page', page: '/' },
    ];
    const { dataDir } = app;
    await app.close();
    const file = conversionCatalog();
    const { readFileSync, writeFileSync } = await import('node:fs');
    const catalog = JSON.parse(readFileSync(file, 'utf8'));
    catalog.sites[0].goals = edited;
    writeFileSync(file, JSON.stringify(catalog));
    app = await testApp({ statsToken: TOKEN, catalogFile: file, dataDir });
    // The watermark was stored: a fold of the restarted service finds nothing to fold.
    expect(await unfolded()).toBe(0);
    expect(await new EngagementFold(app.clickhouse, { settleMs: 0 }).round()).toMatchObject({ events: 0, slices: 0 });
    const goals: Goal[] = [
      ...CATALOG_GOALS.filter((goal) => goal.name !== 'Pro signup'),
      { name: 'Pro signup', reached: (e) => e.type === 'signup' && e.props?.plan === 'free' },
      { name: 'Home page', reached: (e) => e.type === 'page_view' && e.path === '/' },
    ];
    // The edit changes what the folded clicks were followed by (else this would prove nothing).
    const day = { from: Math.floor(Date.now() / 1000) - DAY };
    expect(engagementOf(sent, goals, day)).not.toEqual(engagementOf(sent, CATALOG_GOALS, day));
    await expectEveryPeriodAndFilter(goals);
  });
});

describe('the fold and the read cache', () => {
  // A client and its schema alone: none of a service's other jobs reads through the pool meanwhile.
  let client: ClickHouseClient | undefined;
  afterAll(async () => {
    await client?.close();
  });

  it("reads through the read pool without filling the engine's block cache, which is the owner's reads'", async () => {
    client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
    await migrate(client);
    // Page views that arrived ten minutes ago: past any settle time.
    await insertSettledPageViews(client, 1000);
    const cachedBytes = async () =>
      Number(
        (
          await rows<{ n: string }>(client!, "SELECT toString(value) AS n FROM system.metrics WHERE metric = 'UncompressedCacheBytes'", {})
        )[0]!.n,
      );
    await client.command({ query: 'SYSTEM DROP UNCOMPRESSED CACHE' });
    // The gauge is the process's: an engine of an earlier test, closed, can have left bytes in it.
    const emptied = await cachedBytes();
    // Slices of a few events: the round reads the span, then cuts it by the events' times.
    const round = await new EngagementFold(client, { settleMs: 0, maxEventsPerRound: 400 }).round();
    expect(round).toMatchObject({ events: 1000, slices: 3 });
    expect(await cachedBytes()).toBe(emptied);
    // The same read of the insert marks, as any other read of the pool sends it, fills it.
    await rows(client, "SELECT count() AS n FROM events WHERE inserted_at > {from:DateTime64(3, 'UTC')}", {
      from: '1970-01-01 00:00:00.000',
    });
    expect(await cachedBytes()).toBeGreaterThan(emptied);
  });
});
