// The weekly digest on a seeded week: three weeks of raw events of a site in America/Los_Angeles,
// seeded straight into the events table (the beacon route rightly refuses events this old); the
// digest's week 2026-W44 (26 October to 1 November) crosses a month boundary and the end of
// daylight-saving time (1 November). Every fact the digest states (headline figures against the
// week before, what grew and fell most, objects seen and never clicked, exit pages, goals, the
// alerts that fired, the owner's notes) is counted here from the generated rows by their local
// date (Intl), apart from the service's queries, and the text is checked to state each of them
// (its numbers and names, not its wording). Then the schedule: the digest is delivered at 08:00 on
// Monday in the site's zone, once to a webhook (a local HTTP server standing for the owner's) and
// once by mail (a local SMTP server, smtp-server), and a restart does not send it again.
//
// Test doubles: the clock is injected (the plugin's `now`) and the schedule's interval is Vitest's
// fake timers, so minutes pass at once. Everything else is real: the embedded engine, nodemailer, SMTP.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlertStore } from '../src/alerts/alert-store.js';
import { TRAFFIC_RULES } from '../src/alerts/traffic-evaluator.js';
import { AnnotationStore } from '../src/annotations/annotation-store.js';
import { loadCatalog } from '../src/catalog/catalog.js';
import { composeDigest, type DigestFacts } from '../src/digest/compose-digest.js';
import { digestPlugin } from '../src/plugins/digest.js';
import { digestText } from '../src/digest/digest-text.js';
import { insertLines } from '../src/pipeline/batch-insert.js';
import clickhousePlugin from '../src/plugins/clickhouse.js';
import { freshDataDir, testApp } from './support/test-app.js';

const ZONE = 'America/Los_Angeles';
const SITE = 'coast';
const OWN_HOST = 'coast.example.com';
const HOUR = 3600;
const MINUTE_MS = 60_000;
/** Monday 12 October 2026 00:00 PDT, the first of the three weeks seeded; Monday 2 November 00:00 PST, the end. */
const SEED_FROM = Date.UTC(2026, 9, 12, 7) / 1000;
const SEED_TO = Date.UTC(2026, 10, 2, 8) / 1000;
/** Monday 26 October 00:00 PDT: the digest's week begins; before it, the week before. */
const WEEK_FROM = Date.UTC(2026, 9, 26, 7) / 1000;
const WEEK = { week: '2026-W44', from: '2026-10-26', to: '2026-11-01' };
const BEFORE = { from: '2026-10-19', to: '2026-10-25' };
/** Monday 2 November 2026 09:00 PST. */
const NOW = Date.UTC(2026, 10, 2, 17) / 1000;
const OBJECTS = { guitar: 'Acoustic guitar', laptop: 'Laptop', plant: 'Potted plant', poster: 'Poster' } as const;

interface Row {
  site: string;
  type: string;
  ts: string;
  event_id: string;
  session_id: string;
  visitor_id: string;
  source: string;
  path: string;
  referrer_host: string;
  object_id: string;
  received_at: string;
  s: number;
}

const clock = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const localDate = (ms: number) => dateFormat.format(new Date(ms));

/** A visit at ten past every hour: pages, a source, the room's objects; the digest's week shifts some of them. */
function makeRows(): Row[] {
  const rows: Row[] = [];
  let n = 0;
  for (let hour = SEED_FROM; hour < SEED_TO; hour += HOUR) {
    n += 1;
    const late = hour >= WEEK_FROM;
    const start = (hour + 600) * 1000;
    let step = 0;
    const add = (type: string, fields: Partial<Row> = {}) => {
      const s = start + step * 61_000;
      step += 1;
      rows.push({
        site: SITE,
        type,
        ts: clock(s),
        event_id: `${SITE}-${n}-${step}`,
        session_id: `${SITE}-visit-${n}`,
        visitor_id: `${SITE}-visitor-${n % 97}`,
        source: 'beacon',
        path: '/',
        referrer_host: '',
        object_id: '',
        received_at: clock(s),
        s,
        ...fields,
      });
    };
    const referrers = late
      ? ['news.ycombinator.com', '', 'duckduckgo.com', 'google.com']
      : ['', 'duckduckgo.com', 'google.com', 'google.com'];
    add('page_view', { path: '/', referrer_host: referrers[n % 4]! });
    if (n % 3 !== 1)
      add('page_view', { path: late ? (n % 3 === 0 ? '/pricing' : '/about') : n % 3 === 0 ? '/blog' : '/about', referrer_host: OWN_HOST });
    if (n % 4 === 0) {
      add('room_enter');
      add('object_view', { object_id: 'guitar' });
      add('object_view', { object_id: 'plant' });
      if (!late) add('object_view', { object_id: 'poster' });
      if (late ? n % 8 === 0 : true) add('object_click', { object_id: 'guitar' });
      if (late && n % 5 === 0) add('object_click', { object_id: 'laptop' });
    }
    if (n % 7 === 0) add('page_view', { path: '/thanks', referrer_host: OWN_HOST });
  }
  return rows;
}

const rows = makeRows();
const within = (dates: { from: string; to: string }) =>
  rows.filter((row) => localDate(row.s) >= dates.from && localDate(row.s) <= dates.to);
const distinct = (values: string[]) => new Set(values).size;
const pageViews = (inside: Row[]) => inside.filter((row) => row.type === 'page_view');
const countBy = (inside: Row[], key: (row: Row) => string) => {
  const counts = new Map<string, number>();
  for (const row of inside) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
  return counts;
};
const visitorsBy = (inside: Row[], key: (row: Row) => string) => {
  const sets = new Map<string, Set<string>>();
  for (const row of inside) sets.set(key(row), (sets.get(key(row)) ?? new Set()).add(row.visitor_id));
  return new Map([...sets].map(([name, set]) => [name, set.size]));
};

/** The largest rise and fall between two weeks' figures by name, counted here. */
function moves(current: Map<string, number>, before: Map<string, number>) {
  const all = [...new Set([...current.keys(), ...before.keys()])].map((key) => ({
    key,
    value: current.get(key) ?? 0,
    previous: before.get(key) ?? 0,
  }));
  const diff = (move: { value: number; previous: number }) => move.value - move.previous;
  const grew = all.filter((move) => diff(move) > 0).sort((a, b) => diff(b) - diff(a) || a.key.localeCompare(b.key))[0] ?? null;
  const fell = all.filter((move) => diff(move) < 0).sort((a, b) => diff(a) - diff(b) || a.key.localeCompare(b.key))[0] ?? null;
  return { grew, fell };
}

function expectedFacts() {
  const week = within(WEEK);
  const before = within(BEFORE);
  const headline = (inside: Row[]) => ({
    visitors: distinct(inside.map((row) => row.visitor_id)),
    visits: distinct(inside.map((row) => row.session_id)),
    page_views: pageViews(inside).length,
    room_entries: inside.filter((row) => row.type === 'room_enter').length,
  });
  const sources = (inside: Row[]) =>
    visitorsBy(
      pageViews(inside).filter((row) => row.referrer_host !== '' && row.referrer_host !== OWN_HOST),
      (row) => row.referrer_host,
    );
  const clicks = (inside: Row[]) =>
    countBy(
      inside.filter((row) => row.type === 'object_click'),
      (row) => row.object_id,
    );
  const seen = visitorsBy(
    week.filter((row) => row.type === 'object_view'),
    (row) => row.object_id,
  );
  const clicked = clicks(week);
  // Each visit's last page view is where it ended.
  const exits = new Map<string, Row>();
  for (const row of pageViews(week)) if ((exits.get(row.session_id)?.s ?? -1) < row.s) exits.set(row.session_id, row);
  const exitCounts = countBy([...exits.values()], (row) => row.path);
  const thanks = pageViews(week).filter((row) => row.path === '/thanks');
  return {
    headline: { current: headline(week), previous: headline(before) },
    pages: moves(
      countBy(pageViews(week), (row) => row.path),
      countBy(pageViews(before), (row) => row.path),
    ),
    sources: moves(sources(week), sources(before)),
    objects: moves(clicks(week), clicks(before)),
    ignored: [...seen]
      .filter(([object]) => !clicked.has(object))
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([object, visitors]) => ({ object, seen_visitors: visitors })),
    exits: [...exitCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([path, visits]) => ({ path, visits })),
    goals: [{ goal: 'Thanks page', visitors: distinct(thanks.map((row) => row.visitor_id)), events: thanks.length }],
  };
}

function catalogFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-digest-')), 'catalog.json');
  writeFileSync(
    file,
    JSON.stringify({
      sites: [
        {
          id: SITE,
          origins: [`https://${OWN_HOST}`],
          timezone: ZONE,
          goals: [{ name: 'Thanks page', page: '/thanks' }],
          rooms: [{ id: 'studio', label: 'The studio', objects: Object.entries(OBJECTS).map(([id, label]) => ({ id, label })) }],
        },
      ],
      eventTypes: ['page_view', 'room_enter', 'object_view', 'object_click'],
    }),
  );
  return file;
}

/** The alerts and notes of the week, and one of each before it (which the digest must leave out). */
async function seedAlertsAndNotes(app: FastifyInstance): Promise<void> {
  const alerts = new AlertStore(app.clickhouse);
  const alert = { site: SITE, observed: 0, expected: 12.5, notified: 'resolved' as const };
  await alerts.save({
    ...alert,
    rule: 'footfall-tracking-broken',
    startedAt: Date.UTC(2026, 9, 29, 21, 2),
    resolvedAt: Date.UTC(2026, 9, 29, 21, 40),
  });
  await alerts.save({
    ...alert,
    rule: 'footfall-traffic-spike',
    startedAt: Date.UTC(2026, 9, 22, 10),
    resolvedAt: Date.UTC(2026, 9, 22, 10, 30),
  });
  const notes = new AnnotationStore(app.clickhouse);
  await notes.add({ site: SITE, at: Date.UTC(2026, 9, 28, 16), text: 'posted on Hacker News' });
  await notes.add({ site: SITE, at: Date.UTC(2026, 10, 1, 9, 30), text: 'new room' });
  await notes.add({ site: SITE, at: Date.UTC(2026, 9, 24, 12), text: 'a note of the week before' });
}

describe('the weekly digest', () => {
  const dataDir = freshDataDir();
  const catalog = catalogFile();
  const expected = expectedFacts();
  let app: FastifyInstance;
  let facts: DigestFacts;

  beforeAll(async () => {
    app = await testApp({ dataDir, catalogFile: catalog });
    const lines = rows.map(({ s: _s, ...row }) => Buffer.from(`${JSON.stringify(row)}\n`));
    await insertLines(app.clickhouse, 'events', lines, randomUUID());
    await seedAlertsAndNotes(app);
    facts = await composeDigest(app.clickhouse, app.catalog.sites.get(SITE)!, WEEK.week, NOW);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('states the week’s facts, each counted here from the generated rows', () => {
    expect(facts.dates).toEqual({ from: WEEK.from, to: WEEK.to });
    // The week holds the 25-hour day of the clock change.
    expect(facts.period.to - facts.period.from).toBe(7 * 86_400 + HOUR);
    for (const figure of facts.headline) {
      expect(figure.value, figure.name).toBe(expected.headline.current[figure.name]);
      expect(figure.previous, figure.name).toBe(expected.headline.previous[figure.name]);
    }
    for (const kind of ['pages', 'sources', 'objects'] as const) {
      const { grew, fell } = expected[kind];
      expect(grew, `${kind} grew`).not.toBeNull();
      expect(fell, `${kind} fell`).not.toBeNull();
      expect(facts[kind].grew, kind).toMatchObject(grew!);
      expect(facts[kind].fell, kind).toMatchObject(fell!);
    }
    expect(facts.ignored.map(({ object, seen_visitors }) => ({ object, seen_visitors }))).toEqual(expected.ignored);
    expect(facts.exits).toEqual(expected.exits.slice(0, facts.exits.length));
    expect(facts.exits.length).toBe(Math.min(10, expected.exits.length));
    expect(facts.goals).toEqual(expected.goals);
    expect(facts.alerts.map((alert) => alert.rule)).toEqual(['footfall-tracking-broken']);
    expect(facts.notes.map((note) => note.text)).toEqual(['posted on Hacker News', 'new room']);
  });

  it('says each fact in its sentences: the numbers and names, whatever the wording', () => {
    const text = digestText(facts).sentences.join('\n');
    const n = (value: number) => value.toLocaleString('en-US');
    const { current, previous } = expected.headline;
    for (const name of ['visitors', 'visits', 'page_views', 'room_entries'] as const) {
      expect(text).toContain(n(current[name]));
      expect(text).toContain(n(previous[name]));
      const change = Math.round(((current[name] - previous[name]) / previous[name]) * 100);
      expect(text).toContain(`${change > 0 ? '+' : change < 0 ? '-' : '±'}${Math.abs(change)} %`);
    }
    for (const kind of ['pages', 'sources', 'objects'] as const) {
      for (const move of [expected[kind].grew!, expected[kind].fell!]) {
        const label = kind === 'objects' ? OBJECTS[move.key as keyof typeof OBJECTS] : move.key;
        expect(text).toMatch(
          new RegExp(`${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[^.;]*\\b${n(move.value)}\\b[^.;]*\\b${n(move.previous)}\\b`),
        );
      }
    }
    for (const { object, seen_visitors } of expected.ignored)
      expect(text).toMatch(new RegExp(`${OBJECTS[object as keyof typeof OBJECTS]}[^,.]*\\b${seen_visitors}\\b`));
    for (const { path, visits } of expected.exits.slice(0, 3)) expect(text).toContain(`${path} (${n(visits)}`);
    expect(text).toMatch(new RegExp(`Thanks page[^.]*\\b${expected.goals[0]!.visitors}\\b[^.]*\\b${expected.goals[0]!.events}\\b`));
    const title = (id: string) => TRAFFIC_RULES.find((rule) => rule.id === id)!.title;
    expect(text).toContain(title('footfall-tracking-broken'));
    expect(text).not.toContain(title('footfall-traffic-spike'));
    // Local times: the alert at 21:02 UTC is 14:02 in Los Angeles (PDT).
    expect(text).toContain('14:02');
    expect(text).toContain('posted on Hacker News');
    expect(text).toContain('new room');
    expect(text).not.toContain('a note of the week before');
  });

  it('is readable at /api/digest, by default for the last week that ended', async () => {
    const response = await app.inject(`/api/digest?site=${SITE}&week=${WEEK.week}`);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.headline).toEqual(facts.headline);
    expect(body.sentences).toEqual(digestText(facts).sentences);
    const future = await app.inject(`/api/digest?site=${SITE}&week=2999-W01`);
    expect(future.statusCode).toBe(400);
    expect(future.json().message).toMatch(/ends after now/);
    const none = await app.inject(`/api/digest?site=${SITE}&week=2026-W54`);
    expect(none.statusCode).toBe(400);
    expect(none.json().message).toMatch(/no such ISO week/);
  });

  describe('delivered each Monday at 08:00 in the site’s zone, once, across a restart', () => {
    let webhook: Server;
    let smtp: SMTPServer;
    const posted: Array<{ kind: string; week: string; title: string; message: string; digest: DigestFacts }> = [];
    const mails: string[] = [];
    /** Monday 2 November 07:58:30 PST. */
    let now = Date.UTC(2026, 10, 2, 15, 58, 30);
    let service: FastifyInstance | undefined;

    async function startService(): Promise<FastifyInstance> {
      const started = Fastify({ logger: false });
      await started.register(clickhousePlugin, { url: undefined, dataDir });
      started.decorate('catalog', loadCatalog(catalog));
      await started.register(digestPlugin, {
        webhookUrl: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`,
        mail: {
          smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
          from: 'footfall@example.com',
          to: 'owner@example.com',
        },
        now: () => now,
        webhookPauseMs: 0,
      });
      await started.ready();
      return started;
    }

    /** A minute passes: the clock and the timers together, then the round is awaited. */
    async function minutePasses(started: FastifyInstance): Promise<void> {
      now += MINUTE_MS;
      await vi.advanceTimersByTimeAsync(MINUTE_MS);
      while (started.digests.checkedAt !== now) await new Promise((resolve) => setImmediate(resolve));
    }

    beforeAll(async () => {
      await app.close();
      webhook = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        request.on('end', () => {
          posted.push(JSON.parse(body));
          response.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onData(stream, _session, callback) {
          let message = '';
          stream.on('data', (chunk: Buffer) => {
            message += chunk.toString();
          });
          stream.on('end', () => {
            mails.push(message);
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
      // Last week's digest went out last Monday: only this week's is due.
      const seeding = await startService();
      await seeding.clickhouse.insert({
        table: 'digests_sent',
        values: ['webhook', 'mail'].map((channel) => ({
          site: SITE,
          week: '2026-W43',
          channel,
          sent_at: clock(Date.UTC(2026, 9, 26, 15)),
        })),
        format: 'JSONEachRow',
      });
      await seeding.close();
      // Only the schedule's interval is faked: nodemailer's own timeouts run on real time.
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      service = await startService();
    }, 120_000);

    afterAll(async () => {
      vi.useRealTimers();
      await service?.close();
      await new Promise((resolve) => webhook.close(resolve));
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    });

    it('sends nothing before 08:00, then the week’s digest once to the webhook and once by mail', async () => {
      await minutePasses(service!); // 07:59:30
      expect(posted).toEqual([]);
      expect(mails).toEqual([]);
      await minutePasses(service!); // 08:00:30
      expect(posted).toHaveLength(1);
      expect(posted[0]).toMatchObject({ kind: 'digest', week: WEEK.week });
      expect(posted[0]!.digest.headline).toEqual(facts.headline);
      expect(posted[0]!.message).toBe(digestText(facts).sentences.join('\n'));
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatch(/^Subject: .*week 2026-W44/m);
      expect(mails[0]).toContain(`${expected.headline.current.visitors.toLocaleString('en-US')} visitors`);
      for (let minute = 0; minute < 3; minute++) await minutePasses(service!);
      expect(posted).toHaveLength(1);
      expect(mails).toHaveLength(1);
    });

    it('a restart does not send it again', async () => {
      await service!.close();
      now = Date.UTC(2026, 10, 2, 16, 10, 30);
      service = await startService();
      for (let minute = 0; minute < 3; minute++) await minutePasses(service);
      expect(posted).toHaveLength(1);
      expect(mails).toHaveLength(1);
      const sent = await (
        await service.clickhouse.query({
          query: `SELECT channel FROM digests_sent WHERE week = '2026-W44' ORDER BY channel`,
          format: 'JSONEachRow',
        })
      ).json<{ channel: string }>();
      expect(sent.map((row) => row.channel)).toEqual(['mail', 'webhook']);
    });
  });
});
