// The funnel against the compared period, for a site in America/Los_Angeles: each step's count in
// the compared period and its change, for a week that crosses a month boundary and the end of
// daylight-saving time (2026-10-28 to 2026-11-03) against the week before, last month against the
// month before (of another length), the last week against the same dates a year before, and a
// rolling range. Every count is made here from the generated events by their local date
// (Intl.DateTimeFormat), walking each visit's events in time order: a second way, outside the code
// under test.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertLines } from '../src/pipeline/batch-insert.js';
import { clock, localDateIn, type RawEvent, addDays, addMonths, addYears } from './support/raw-events.js';
import { testApp } from './support/test-app.js';

const MINUTE = 60;
const DAY = 86_400;
const ZONE = 'America/Los_Angeles';
const NOW = Math.floor(Date.now() / 1000);
/** Raw events are kept 400 days by default: the generated history stays inside them. */
const HISTORY_DAYS = 395;
/** The funnel asked for: the home page, then the room, then /about, in this order. */
const STEPS = [
  { step: 'page_view:/', matches: (event: RawEvent) => event.type === 'page_view' && event.path === '/' },
  { step: 'room_enter', matches: (event: RawEvent) => event.type === 'room_enter' },
  { step: 'page_view:/about', matches: (event: RawEvent) => event.type === 'page_view' && event.path === '/about' },
];
const FUNNEL = `/api/funnel?site=coast&${STEPS.map(({ step }) => `step=${encodeURIComponent(step)}`).join('&')}`;

const localDate = localDateIn(ZONE);

/**
 * A visit every 37 minutes over the history, its events 4 minutes apart: most go / → room → /about,
 * some skip the room, some see /about first, some leave after /; which ones changes with the day
 * of the month, so one period's funnel differs from another's.
 */
function makeEvents(): RawEvent[] {
  const events: RawEvent[] = [];
  // On a grid of 37 minutes from the epoch, numbered from it: a period of fixed dates holds the
  // same visits whenever the test runs (started from NOW, two weeks' counts were sometimes equal).
  const every = 37 * MINUTE;
  for (let start = Math.ceil((NOW - HISTORY_DAYS * DAY) / every) * every; start <= NOW - 20 * MINUTE; start += every) {
    const n = start / every;
    const day = new Date(start * 1000).getUTCDate();
    const pages: Array<[string, string]> =
      n % 5 === 0
        ? [
            ['page_view', '/about'],
            ['page_view', '/'],
            ['room_enter', '/'],
          ]
        : n % (2 + (day % 3)) === 0
          ? [['page_view', '/']]
          : n % 3 === 0
            ? [
                ['page_view', '/'],
                ['page_view', '/about'],
              ]
            : [
                ['page_view', '/'],
                ['room_enter', '/'],
                ['page_view', '/about'],
              ];
    for (const [index, [type, path]] of pages.entries()) {
      const s = start + index * 4 * MINUTE;
      events.push({
        site: 'coast',
        type,
        ts: clock(s),
        s,
        event_id: `coast-${n}-${index}`,
        session_id: `coast-visit-${n}`,
        visitor_id: `coast-visitor-${n % 89}`,
        source: 'beacon',
        path,
        received_at: clock(s),
      });
    }
  }
  return events;
}

const events = makeEvents();

/** For each step, the visits whose events within `keep` reached at least it, the events walked in time order. */
function reached(keep: (event: RawEvent) => boolean): number[] {
  const visits = new Map<string, RawEvent[]>();
  for (const event of events.filter(keep)) visits.set(event.session_id, [...(visits.get(event.session_id) ?? []), event]);
  const counts = STEPS.map(() => 0);
  for (const visit of visits.values()) {
    let level = 0;
    for (const event of visit.sort((a, b) => a.s - b.s)) if (level < STEPS.length && STEPS[level]!.matches(event)) level += 1;
    for (let step = 0; step < level; step += 1) counts[step]! += 1;
  }
  return counts;
}

const onDates = (from: string, to: string) => reached((event) => localDate(event.s) >= from && localDate(event.s) <= to);

/** The visits with a page view of `path` on `from` or later, as a filter keeps them (stats/filters.ts: since the period's start). */
const viewedSince = (path: string, from: string) =>
  new Set(events.filter((e) => e.type === 'page_view' && e.path === path && localDate(e.s) >= from).map((e) => e.session_id));

/** The answer the funnel must give for these counts: each step with its change, and the compared period's steps. */
function expected(current: number[], previous: number[]) {
  return {
    steps: STEPS.map(({ step }, index) => ({
      step,
      sessions: current[index],
      change: previous[index] === 0 ? null : (current[index]! - previous[index]!) / previous[index]!,
    })),
    previous: { steps: STEPS.map(({ step }, index) => ({ step, sessions: previous[index] })) },
  };
}

function catalogFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-funnel-compare-')), 'catalog.json');
  writeFileSync(
    file,
    JSON.stringify({
      sites: [{ id: 'coast', origins: ['https://coast.example.com'], timezone: ZONE }],
      eventTypes: ['page_view', 'room_enter'],
    }),
  );
  return file;
}

describe('/api/funnel against the compared period', () => {
  let app: FastifyInstance;
  const funnel = async (query: string) => {
    const response = await app.inject(`${FUNNEL}&${query}`);
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
    const week = await funnel('from=2026-10-28&to=2026-11-03&compare=previous');
    const current = onDates('2026-10-28', '2026-11-03');
    const previous = onDates('2026-10-21', '2026-10-27');
    expect(week).toMatchObject({ range: 'custom', compare: 'previous', time_zone: ZONE, ...expected(current, previous) });
    // Seven local days holding the 25-hour one, and the seven days before it.
    expect(week.period.to - week.period.from).toBe(7 * DAY + 3600);
    expect(week.previous.period).toEqual({ from: week.period.from - 7 * DAY, to: week.period.from });
    expect(localDate(week.previous.period.from)).toBe('2026-10-21');
    // The weeks differ at every step, so a change of 0 or a count of the wrong week would show.
    for (const index of STEPS.keys()) {
      expect(previous[index], STEPS[index]!.step).toBeGreaterThan(0);
      expect(current[index], STEPS[index]!.step).not.toBe(previous[index]);
    }
  });

  it('last month against the month before, of another length', async () => {
    const today = localDate(NOW);
    const month = `${today.slice(0, 8)}01`;
    const [from, to] = [addMonths(month, -1), addDays(month, -1)];
    const [before, beforeEnd] = [addMonths(month, -2), addDays(addMonths(month, -1), -1)];
    const answer = await funnel('range=last_month');
    expect(answer).toMatchObject({ range: 'last_month', compare: 'previous', ...expected(onDates(from, to), onDates(before, beforeEnd)) });
    expect(localDate(answer.previous.period.from)).toBe(before);
    expect(localDate(answer.previous.period.to - 1)).toBe(beforeEnd);
  });

  it('the same dates a year before', async () => {
    // Raw events are kept 400 days: the year before the week of the change of offset is gone, the last week's is not.
    const [from, to] = [addDays(localDate(NOW), -7), addDays(localDate(NOW), -1)];
    const answer = await funnel(`from=${from}&to=${to}&compare=year`);
    const previous = onDates(addYears(from, -1), addYears(to, -1));
    expect(answer).toMatchObject({ compare: 'year', ...expected(onDates(from, to), previous) });
    expect(previous[2]).toBeGreaterThan(0);
    expect(localDate(answer.previous.period.from)).toBe(addYears(from, -1));
    expect(localDate(answer.previous.period.to - 1)).toBe(addYears(to, -1));
  });

  it('a rolling range against the same length just before', async () => {
    const answer = await funnel('range=7d');
    const { from } = answer.period;
    expect(answer.period.to).toBeNull();
    expect(from).toBeGreaterThanOrEqual(NOW - 7 * DAY);
    expect(answer.previous.period).toEqual({ from: from - 7 * DAY, to: from });
    const current = reached((event) => event.s >= from);
    const previous = reached((event) => event.s >= from - 7 * DAY && event.s < from);
    expect(answer).toMatchObject(expected(current, previous));
  });

  it('narrowed by a filter, as the summary is, in both periods', async () => {
    const week = await funnel('from=2026-10-28&to=2026-11-03&compare=previous&page=%2Fabout');
    const [current, previous] = [viewedSince('/about', '2026-10-28'), viewedSince('/about', '2026-10-21')];
    const within = (visits: Set<string>, from: string, to: string) =>
      reached((event) => visits.has(event.session_id) && localDate(event.s) >= from && localDate(event.s) <= to);
    const expectedCurrent = within(current, '2026-10-28', '2026-11-03');
    expect(week).toMatchObject({ filters: { page: '/about' }, ...expected(expectedCurrent, within(previous, '2026-10-21', '2026-10-27')) });
    // Fewer visits than the whole week's at the first step: the filter took some away.
    expect(expectedCurrent[0]).toBeLessThan(onDates('2026-10-28', '2026-11-03')[0]!);
    const unknown = await app.inject(`${FUNNEL}&range=7d&goal=Nope`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      code: 'FOOTFALL_UNKNOWN_GOAL',
      message: 'site coast has no goal "Nope"; its catalog entry declares none',
    });
  });

  it('a step nobody reached then has no change to give', async () => {
    // The history's second week against a year before it, when nothing was stored yet.
    const from = addDays(localDate(NOW - HISTORY_DAYS * DAY), 7);
    const to = addDays(from, 6);
    const answer = await funnel(`from=${from}&to=${to}&compare=year`);
    const current = onDates(from, to);
    expect(current[2]).toBeGreaterThan(0);
    expect(answer).toMatchObject(expected(current, [0, 0, 0]));
    expect(answer.steps.map((step: { change: number | null }) => step.change)).toEqual([null, null, null]);
  });
});
