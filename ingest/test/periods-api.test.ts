// Any period and compare through the HTTP API, for a site in America/Los_Angeles: a week that
// crosses a month boundary and the end of daylight-saving time (2026-10-28 to 2026-11-03), every
// named period, the same dates a year before, all time, the funnel and the CSV's times. Every
// figure is checked against a count made here from the generated events by their local date
// (Intl.DateTimeFormat); every refusal of a period is checked for its status and message.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertLines } from '../src/pipeline/batch-insert.js';
import { testApp } from './support/test-app.js';
import { clock, type RawEvent, localDateIn, addDays, addMonths, addYears } from './support/raw-events.js';

const MINUTE = 60;
const DAY = 86_400;
const ZONE = 'America/Los_Angeles';
const NOW = Math.floor(Date.now() / 1000);
/** Raw events are kept 400 days by default: the generated history stays inside them. */
const HISTORY_DAYS = 395;

type Event = RawEvent;

const localDate = localDateIn(ZONE);

/** A visit every 47 minutes over the history: /, then the room or /about, then /about; visitors come back. */
function makeEvents(): Event[] {
  const events: Event[] = [];
  let n = 0;
  for (let start = NOW - HISTORY_DAYS * DAY; start <= NOW - 60; start += 47 * MINUTE) {
    n += 1;
    const length = 1 + (n % 3);
    for (let step = 0; step < length && start + step * 5 * MINUTE <= NOW - 60; step += 1) {
      const s = start + step * 5 * MINUTE;
      events.push({
        site: 'coast',
        type: step === 1 && n % 2 === 0 ? 'room_enter' : 'page_view',
        ts: clock(s),
        s,
        event_id: `coast-${n}-${step}`,
        session_id: `coast-visit-${n}`,
        visitor_id: `coast-visitor-${n % 97}`,
        source: 'beacon',
        path: step === 0 ? '/' : '/about',
        received_at: clock(s),
      });
    }
  }
  return events;
}

const events = makeEvents();

function inside(from: string, to: string): Event[] {
  return events.filter((event) => localDate(event.s) >= from && localDate(event.s) <= to);
}

/** The headline figures of the events whose local date is within `[from, to]`. */
function headline(from: string, to: string) {
  const chosen = inside(from, to);
  return {
    visitors: new Set(chosen.map((event) => event.visitor_id)).size,
    visits: new Set(chosen.map((event) => event.session_id)).size,
    page_views: chosen.filter((event) => event.type === 'page_view').length,
    room_entries: chosen.filter((event) => event.type === 'room_enter').length,
  };
}

/** Bounce rate and mean visit duration of the visits' events whose local date is within `[from, to]`. */
function visitFigures(from: string, to: string) {
  const visits = new Map<string, Event[]>();
  for (const event of inside(from, to)) visits.set(event.session_id, [...(visits.get(event.session_id) ?? []), event]);
  const all = [...visits.values()];
  const bounces = all.filter(
    (visit) => visit.filter((e) => e.type === 'page_view').length <= 1 && !visit.some((e) => e.type === 'room_enter'),
  );
  const seconds = all.map((visit) => Math.max(...visit.map((e) => e.s)) - Math.min(...visit.map((e) => e.s)));
  return { bounce_rate: bounces.length / all.length, visit_duration_s: seconds.reduce((sum, n) => sum + n, 0) / all.length };
}

/** Visits of `[from, to]` by their entry (first page view inside the dates) or exit page (last). */
function visitsByPage(kind: 'entry' | 'exit', from: string, to: string): Map<string, number> {
  const visits = new Map<string, Event[]>();
  for (const event of inside(from, to).filter((e) => e.type === 'page_view'))
    visits.set(event.session_id, [...(visits.get(event.session_id) ?? []), event]);
  const pages = new Map<string, number>();
  for (const views of visits.values()) {
    const sorted = views.sort((a, b) => a.s - b.s);
    const path = (kind === 'entry' ? sorted[0] : sorted.at(-1))!.path;
    pages.set(path, (pages.get(path) ?? 0) + 1);
  }
  return pages;
}

const views = (from: string, to: string, path: string) =>
  inside(from, to).filter((event) => event.type === 'page_view' && event.path === path).length;

function catalogFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-periods-')), 'catalog.json');
  writeFileSync(
    file,
    JSON.stringify({
      sites: [{ id: 'coast', origins: ['https://coast.example.com'], timezone: ZONE }],
      eventTypes: ['page_view', 'room_enter'],
    }),
  );
  return file;
}

describe('periods through /api/stats', () => {
  let app: FastifyInstance;
  const get = async (query: string) => app.inject(`/api/stats?site=coast&${query}`);
  const stats = async (query: string) => {
    const response = await get(query);
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
    const week = await stats('from=2026-10-28&to=2026-11-03&compare=previous');
    expect(week).toMatchObject({ range: 'custom', compare: 'previous', time_zone: ZONE });
    expect(week).toMatchObject(headline('2026-10-28', '2026-11-03'));
    expect(week.previous).toMatchObject(headline('2026-10-21', '2026-10-27'));
    // Seven local days holding the 25-hour one.
    expect(week.period.to - week.period.from).toBe(7 * DAY + 3600);
    // Every headline figure, the bounce rate and visit duration too, in both weeks.
    for (const [answer, [from, to]] of [
      [week, ['2026-10-28', '2026-11-03']],
      [week.previous, ['2026-10-21', '2026-10-27']],
    ] as const) {
      const expected = visitFigures(from, to);
      expect(answer.bounce_rate, from).toBeCloseTo(expected.bounce_rate, 12);
      expect(answer.visit_duration_s, from).toBeCloseTo(expected.visit_duration_s, 9);
    }
    for (const name of ['visitors', 'visits', 'page_views', 'room_entries', 'bounce_rate', 'visit_duration_s'] as const) {
      const before = week.previous[name];
      expect(week.changes[name], name).toBeCloseTo(before === 0 ? Number.NaN : (week[name] - before) / before, 12);
    }
    const days = (from: string) => Array.from({ length: 7 }, (_, index) => addDays(from, index));
    expect(week.timeseries.map((point: { time: number }) => localDate(point.time))).toEqual(days('2026-10-28'));
    expect(week.previous_timeseries.map((point: { time: number }) => localDate(point.time))).toEqual(days('2026-10-21'));
    for (const [index, day] of days('2026-10-28').entries()) {
      expect(week.timeseries[index].page_views, day).toBe(headline(day, day).page_views);
      const dayBefore = addDays(day, -7);
      expect(week.previous_timeseries[index].page_views, dayBefore).toBe(headline(dayBefore, dayBefore).page_views);
    }
    // Each ranked row's change: pages by views.
    for (const path of ['/', '/about']) {
      const row = week.top_pages.find((page: { path: string }) => page.path === path);
      const before = views('2026-10-21', '2026-10-27', path);
      expect(row.views, path).toBe(views('2026-10-28', '2026-11-03', path));
      expect(row.change, path).toBeCloseTo((row.views - before) / before, 12);
    }
    // The entry and exit pages' changes: visits against the week before's visits of the same page.
    for (const kind of ['entry', 'exit'] as const) {
      const now = visitsByPage(kind, '2026-10-28', '2026-11-03');
      const before = visitsByPage(kind, '2026-10-21', '2026-10-27');
      const rows: Array<{ path: string; visits: number; change: number | null }> = week[`${kind}_pages`];
      expect(rows.map((row) => row.path).sort(), kind).toEqual([...now.keys()].sort());
      for (const row of rows) {
        expect(row.visits, `${kind} ${row.path}`).toBe(now.get(row.path));
        const was = before.get(row.path) ?? 0;
        if (was === 0) expect(row.change, `${kind} ${row.path}`).toBeNull();
        else expect(row.change, `${kind} ${row.path}`).toBeCloseTo((row.visits - was) / was, 12);
      }
      expect(rows.filter((row) => row.change !== null).length, kind).toBeGreaterThan(0);
    }
  });

  it('the same dates a year before', async () => {
    const today = localDate(NOW);
    const [from, to] = [addDays(today, -7), addDays(today, -1)];
    const year = await stats(`from=${from}&to=${to}&compare=year`);
    expect(year.compare).toBe('year');
    expect(year).toMatchObject(headline(from, to));
    expect(year.previous).toMatchObject(headline(addYears(from, -1), addYears(to, -1)));
    expect(year.previous.page_views).toBeGreaterThan(0);
    expect(year.changes.page_views).toBeCloseTo((year.page_views - year.previous.page_views) / year.previous.page_views, 12);
  });

  it('every named period, from today in the site’s zone, against the one before and a year before', async () => {
    const today = localDate(NOW);
    const month = `${today.slice(0, 8)}01`;
    const cases: Array<[string, [string, string], [string, string]]> = [
      ['today', [today, today], [addDays(today, -1), addDays(today, -1)]],
      ['yesterday', [addDays(today, -1), addDays(today, -1)], [addDays(today, -2), addDays(today, -2)]],
      ['this_month', [month, addDays(addMonths(month, 1), -1)], [addMonths(month, -1), addDays(month, -1)]],
      ['last_month', [addMonths(month, -1), addDays(month, -1)], [addMonths(month, -2), addDays(addMonths(month, -1), -1)]],
      ['12mo', [addMonths(month, -11), addDays(addMonths(month, 1), -1)], [addMonths(month, -23), addDays(addMonths(month, -11), -1)]],
    ];
    for (const [range, [from, to], [before, beforeEnd]] of cases) {
      const answer = await stats(`range=${range}`);
      expect(answer.range, range).toBe(range);
      expect(answer, range).toMatchObject(headline(from, to));
      expect(answer.previous, range).toMatchObject(headline(before, beforeEnd));
      expect(answer.previous_timeseries.length, range).toBeGreaterThan(0);
      // Drawn up to now: no step of a period still to come.
      expect(answer.timeseries.at(-1).time, range).toBeLessThanOrEqual(NOW + 60);
    }
    const yesterday = addDays(today, -1);
    const yearBefore = await stats('range=yesterday&compare=year');
    expect(yearBefore.previous).toMatchObject(headline(addYears(yesterday, -1), addYears(yesterday, -1)));
  });

  it('all time: from the oldest stored day to today', async () => {
    const all = await stats('range=all');
    expect(all.range).toBe('all');
    expect(localDate(all.period.from)).toBe(localDate(events[0]!.s));
    expect(all).toMatchObject(headline('1970-01-01', '9999-12-31'));
    expect(all.partial).toBeUndefined();
  });

  it('the funnel over the same periods, in the site’s zone', async () => {
    const response = await app.inject('/api/funnel?site=coast&from=2026-10-28&to=2026-11-03&step=page_view:/&step=page_view:/about');
    expect(response.statusCode, response.body).toBe(200);
    const funnel = response.json();
    expect(funnel).toMatchObject({ range: 'custom', time_zone: ZONE });
    // Visits of the week with / and, later in the week, /about.
    const visits = new Map<string, Event[]>();
    for (const event of inside('2026-10-28', '2026-11-03')) visits.set(event.session_id, [...(visits.get(event.session_id) ?? []), event]);
    const reached = (paths: string[]) =>
      [...visits.values()].filter((visit) => {
        let next = 0;
        for (const event of visit.sort((a, b) => a.s - b.s)) if (event.type === 'page_view' && event.path === paths[next]) next += 1;
        return next >= paths.length;
      }).length;
    expect(funnel.steps.map(({ step, sessions }: { step: string; sessions: number }) => ({ step, sessions }))).toEqual([
      { step: 'page_view:/', sessions: reached(['/']) },
      { step: 'page_view:/about', sessions: reached(['/', '/about']) },
    ]);
    expect(funnel.steps[1].sessions).toBeGreaterThan(0);
  });

  it('writes the CSV’s times in the site’s zone, with its offset', async () => {
    const response = await app.inject('/api/events?site=coast&format=csv&limit=20');
    const rows = parse(response.body, { columns: true }) as Array<{ event_id: string; ts: string }>;
    expect(rows).toHaveLength(20);
    const byId = new Map(events.map((event) => [event.event_id, event]));
    for (const row of rows) {
      const stored = byId.get(row.event_id)!.s;
      expect(row.ts).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-0[78]:00$/);
      // The same instant, and the wall clock of the site: its local date.
      expect(Date.parse(row.ts) / 1000, row.ts).toBe(stored);
      expect(row.ts.slice(0, 10)).toBe(localDate(stored));
    }
  });

  it('refuses every period it cannot read, naming what is wrong', async () => {
    const refusals: Array<[string, string]> = [
      ['range=1y', 'querystring.range must be one of 5m, 1h, 24h, 7d, 30d, today, yesterday, this_month, last_month, 12mo, all'],
      ['compare=week', 'querystring.compare must be one of previous, year'],
      ['from=2026-10-28', 'querystring.to is missing: from and to go together (YYYY-MM-DD, inclusive)'],
      ['to=2026-10-28', 'querystring.from is missing: from and to go together (YYYY-MM-DD, inclusive)'],
      ['range=7d&from=2026-10-28&to=2026-11-03', 'querystring has both range and from/to: name the period one way (range, or from and to)'],
      ['from=28.10.2026&to=2026-11-03', 'querystring.from must be a date YYYY-MM-DD'],
      ['from=2026-10-28&to=2026-11-3', 'querystring.to must be a date YYYY-MM-DD'],
      ['from=2026-02-30&to=2026-03-03', 'querystring.from "2026-02-30" is not a date of the calendar'],
      ['from=2026-02-01&to=2026-13-01', 'querystring.to "2026-13-01" is not a date of the calendar'],
      ['from=1969-12-01&to=1970-01-03', 'querystring.from "1969-12-01" is before 1970-01-01'],
      ['from=2026-11-03&to=2026-10-28', 'querystring.from (2026-11-03) is after querystring.to (2026-10-28): from must be on or before to'],
      [
        'from=2021-01-01&to=2026-01-01',
        'querystring.from to querystring.to spans more than 5 years (2021-01-01 to 2026-01-01): at most 5 years',
      ],
    ];
    for (const [query, message] of refusals) {
      for (const route of ['/api/stats?site=coast&', '/api/funnel?site=coast&step=page_view&step=room_enter&']) {
        const response = await app.inject(`${route}${query}`);
        expect(response.statusCode, `${route}${query}`).toBe(400);
        expect(response.json(), `${route}${query}`).toMatchObject({ code: 'FST_ERR_VALIDATION', message });
      }
    }
    // Five years to the day less one is the longest span.
    expect((await get('from=2021-01-01&to=2025-12-31')).statusCode).toBe(200);
  });

  // Last: it removes raw events, as their retention would, while the rollups keep their hours.
  it('a filtered period older than the raw events says from when its filters apply', async () => {
    const cut = NOW - 200 * DAY;
    // The per-visit rollup is kept as long as raw events (clickhouse/retention.ts).
    for (const [table, time] of [
      ['events', 'ts'],
      ['visits_per_hour', 'hour'],
    ]) {
      await app.clickhouse.command({
        query: `DELETE FROM ${table} WHERE site = 'coast' AND ${time} < toDateTime(${cut})`,
        clickhouse_settings: { mutations_sync: '2' },
      });
    }
    const rawFrom = events.find((event) => event.s >= cut)!.s;
    // Summaries are kept for an interval (5 s); an erasure drops them, and so must this deletion.
    app.statsFeed.forget();
    const all = await stats('range=all');
    // The unfiltered figures come from the rollups, which still hold every hour.
    expect(all).toMatchObject({ page_views: headline('1970-01-01', '9999-12-31').page_views });
    expect(localDate(all.period.from)).toBe(localDate(events[0]!.s));
    // Every figure read from raw events (or the per-visit rollup, kept as long) is named; goals and
    // properties over whole days come from the daily rollup.
    expect(all.partial).toBe(
      `entry and exit pages, bounce rate, visit duration, outbound links, downloads, reading and the engagement path count only from ${localDate(rawFrom)}, where raw events begin`,
    );
    // A period other than `all` reads where history begins beside its figures: named alike.
    expect((await stats('range=12mo')).partial).toBe(all.partial);
    const filtered = await stats('range=all&page=/about');
    expect(filtered.partial).toBe(`filters apply only from ${localDate(rawFrom)}, where raw events begin`);
    // A period inside the raw events is whole.
    expect((await stats('range=30d&page=/about')).partial).toBeUndefined();
  });
});
