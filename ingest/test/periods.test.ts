// Any period, in the site's time zone, compared: a week of local dates that crosses a month
// boundary and the end of daylight-saving time (America/Los_Angeles, 2026-10-28 to 2026-11-03),
// the calendar periods, and the comparisons with the week before and the same week a year
// before; every headline figure equals a count made here from the generated events by their local
// date (Intl.DateTimeFormat), and the rollups answer as raw events do.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteEntry } from '../src/catalog/catalog.js';
import { insertLines } from '../src/pipeline/batch-insert.js';
import type { ParseOptions } from '../src/stats/parse-query.js';
import { readStats, type Stats } from '../src/stats/stats.js';
import { testApp } from './support/test-app.js';
import { clock, type RawEvent, localDateIn } from './support/raw-events.js';

const MINUTE = 60;
const DAY = 86_400;
const ZONE = 'America/Los_Angeles';
const NOW = Date.UTC(2026, 10, 20, 19, 41, 17) / 1000;

type Event = RawEvent;

const localDate = localDateIn(ZONE);

/** A visit every 53 minutes over the 400 days before NOW (a year back and more), and one on each side of every UTC hour. */
function makeEvents(): Event[] {
  const events: Event[] = [];
  let n = 0;
  const visit = (start: number, length: number) => {
    n += 1;
    for (let step = 0; step < length && start + step * 7 * MINUTE <= NOW; step += 1) {
      const s = start + step * 7 * MINUTE;
      events.push({
        site: 'coast',
        type: step === 1 ? 'room_enter' : 'page_view',
        ts: clock(s),
        s,
        event_id: `coast-${n}-${step}`,
        session_id: `coast-visit-${n}`,
        visitor_id: `coast-visitor-${n % 89}`,
        source: 'beacon',
        path: '/',
        received_at: clock(s),
      });
    }
  };
  for (let start = NOW - 400 * DAY; start <= NOW; start += 53 * MINUTE) visit(start, 1 + (n % 3));
  for (let hour = Math.ceil((NOW - 70 * DAY) / 3600) * 3600; hour <= NOW; hour += 3600) {
    visit(hour - 1, 1);
    visit(hour, 1);
  }
  return events;
}

/** The headline figures of the events whose local date is within `[from, to]`. */
function headline(events: readonly Event[], from: string, to: string) {
  const inside = events.filter((event) => localDate(event.s) >= from && localDate(event.s) <= to);
  return {
    visitors: new Set(inside.map((event) => event.visitor_id)).size,
    visits: new Set(inside.map((event) => event.session_id)).size,
    page_views: inside.filter((event) => event.type === 'page_view').length,
    room_entries: inside.filter((event) => event.type === 'room_enter').length,
  };
}

function withoutLive(stats: Stats): Partial<Stats> {
  const { active_visitors: _a, visits_last_minute: _v, recent_events: _r, ...rest } = stats;
  return rest;
}

/** The current period's figures alone: no compared figures, series or changes, no list row's change. */
function currentOnly(stats: Stats): Record<string, unknown> {
  const { previous: _p, changes: _c, previous_timeseries: _t, ...rest } = withoutLive(stats);
  return Object.fromEntries(
    Object.entries(rest).map(([field, value]) => [
      field,
      Array.isArray(value) ? value.map((row) => (typeof row === 'object' && row !== null ? { ...row, change: undefined } : row)) : value,
    ]),
  );
}

describe('any period, compared', () => {
  let app: FastifyInstance;
  let site: SiteEntry;
  const events = makeEvents();
  const read = (options: ParseOptions) => readStats(app.clickhouse, site, '24h', [], {}, { now: NOW, ...options });

  beforeAll(async () => {
    app = await testApp();
    site = { ...app.catalog.sites.get('portfolio')!, id: 'coast', timeZone: ZONE };
    const lines = events.map(({ s: _s, ...row }) => Buffer.from(`${JSON.stringify(row)}\n`));
    await insertLines(app.clickhouse, 'events', lines, randomUUID());
  });
  afterAll(async () => {
    await app.close();
  });

  it('a week across a month boundary and a clock change: local days, compared with the week before', async () => {
    const stats = await read({ period: { from: '2026-10-28', to: '2026-11-03' } });
    expect(stats.range).toBe('custom');
    expect(stats).toMatchObject(headline(events, '2026-10-28', '2026-11-03'));
    expect(stats.previous).toMatchObject(headline(events, '2026-10-21', '2026-10-27'));
    expect(stats.compare).toBe('previous');
    expect(stats.changes.page_views).toBeCloseTo((stats.page_views - stats.previous.page_views) / stats.previous.page_views, 12);
    // Seven local days, one point each, the week holding the 25-hour day.
    expect(stats.timeseries.map((point) => localDate(point.time))).toEqual([
      '2026-10-28',
      '2026-10-29',
      '2026-10-30',
      '2026-10-31',
      '2026-11-01',
      '2026-11-02',
      '2026-11-03',
    ]);
    expect(stats.period.to! - stats.period.from).toBe(7 * DAY + 3600);
    for (const point of stats.timeseries)
      expect(point.page_views).toBe(headline(events, localDate(point.time), localDate(point.time)).page_views);
  });

  it('the same week a year before', async () => {
    const stats = await read({ period: { from: '2026-10-28', to: '2026-11-03' }, compare: 'year' });
    expect(stats.previous).toMatchObject(headline(events, '2025-10-28', '2025-11-03'));
    expect(stats.previous.page_views).toBeGreaterThan(0);
  });

  it('calendar periods from today in the site’s zone', async () => {
    const today = localDate(NOW);
    expect(today).toBe('2026-11-20');
    const cases = [
      ['today', ['2026-11-20', '2026-11-20'], ['2026-11-19', '2026-11-19']],
      ['yesterday', ['2026-11-19', '2026-11-19'], ['2026-11-18', '2026-11-18']],
      ['this_month', ['2026-11-01', '2026-11-30'], ['2026-10-01', '2026-10-31']],
      ['last_month', ['2026-10-01', '2026-10-31'], ['2026-09-01', '2026-09-30']],
      ['12mo', ['2025-12-01', '2026-11-30'], ['2024-12-01', '2025-11-30']],
    ] as const;
    for (const [period, [from, to], [before, beforeEnd]] of cases) {
      const stats = await read({ period });
      expect(stats.range, period).toBe(period);
      expect(stats, period).toMatchObject(headline(events, from, to));
      expect(stats.previous, period).toMatchObject(headline(events, before, beforeEnd));
    }
  });

  it('steps by the period’s length, and the rollups answer as raw events do', async () => {
    const steps = { today: 3600, this_month: 86_400, '12mo': 604_800 } as const;
    for (const [period, step] of Object.entries(steps) as Array<[keyof typeof steps, number]>) {
      const [fromRollups, fromRaw] = await Promise.all([read({ period }), read({ period, rollups: false })]);
      expect(fromRollups.timeseries_step_s, period).toBe(step);
      // The year before 12 months reaches past the raw events' retention, which the rollups outlast.
      const { partial: rolledPartial, ...rolled } = period === '12mo' ? currentOnly(fromRollups) : withoutLive(fromRollups);
      const { partial: rawPartial, ...raw } = period === '12mo' ? currentOnly(fromRaw) : withoutLive(fromRaw);
      expect(rolled, period).toEqual(raw);
      // What counts only from the first raw event depends on what was read from raw events: goals
      // and properties of whole days come from the daily rollup, unless raw events alone are read.
      const missing = (figures: string) =>
        `entry and exit pages, bounce rate, visit duration, ${figures}reading and the engagement path count only from 2025-11-02, where raw events begin`;
      expect([rolledPartial, rawPartial], period).toEqual(
        period === '12mo'
          ? [missing('outbound links, downloads, '), missing('goals, properties, outbound links, downloads, ')]
          : [undefined, undefined],
      );
    }
  });
});
