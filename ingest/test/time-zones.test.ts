// Each site's figures in its own time zone, on the embedded engine: a site in Pacific/Auckland and
// one in America/Los_Angeles get their local days across a change of daylight-saving time (a 23-
// and a 25-hour day), a site in Asia/Kolkata (+05:30) its local hours and days; every source (the
// rollups, raw events) agrees, and each day's figures equal a count made here from the generated
// events, whose local dates come from Intl.DateTimeFormat (not from the code under test).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteEntry } from '../src/catalog/catalog.js';
import { insertLines } from '../src/pipeline/batch-insert.js';
import { parseQuery } from '../src/stats/parse-query.js';
import { planQuery } from '../src/stats/plan-query.js';
import { readStats, type Range, type Stats } from '../src/stats/stats.js';
import { testApp } from './support/test-app.js';
import { clock, type RawEvent } from './support/raw-events.js';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

type Event = RawEvent;

const formats = new Map<string, Intl.DateTimeFormat>();

/** The local date and hour of an instant, read by Intl alone. */
function local(seconds: number, timeZone: string): { date: string; hour: string } {
  if (!formats.has(timeZone)) {
    formats.set(
      timeZone,
      new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit' }),
    );
  }
  const parts = Object.fromEntries(
    formats
      .get(timeZone)!
      .formatToParts(new Date(seconds * 1000))
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: `${parts.year}-${parts.month}-${parts.day} ${parts.hour}` };
}

/**
 * Events over the 62 days before `now` (both periods of a 30-day range), one visit every 47
 * minutes of two or three events 9 minutes apart, and one visit on each side of every UTC hour
 * at :00 and :59:59, which puts events on both sides of each local midnight of a whole-hour zone
 * and of every half hour (a +05:30 zone's midnights).
 */
function makeEvents(site: string, now: number): Event[] {
  const events: Event[] = [];
  const visit = (start: number, n: number, length: number) => {
    for (let step = 0; step < length; step += 1) {
      const s = start + step * 9 * MINUTE;
      if (s > now) return;
      events.push({
        site,
        type: step === 1 ? 'room_enter' : 'page_view',
        ts: clock(s),
        s,
        event_id: `${site}-${n}-${step}`,
        session_id: `${site}-visit-${n}`,
        visitor_id: `${site}-visitor-${n % 97}`,
        source: 'beacon',
        path: step === 0 ? '/' : '/about',
        received_at: clock(s),
      });
    }
  };
  let n = 0;
  for (let start = now - 62 * DAY; start <= now; start += 47 * MINUTE) visit(start, (n += 1), 2 + (n % 2));
  for (let hour = Math.ceil((now - 62 * DAY) / 1800) * 1800; hour <= now; hour += 1800) {
    visit(hour - 1, (n += 1), 1);
    visit(hour, (n += 1), 1);
  }
  return events;
}

/** Page views, visits and visitors of the events, by a key of each event. */
function countBy(
  events: readonly Event[],
  key: (event: Event) => string,
): Map<string, { page_views: number; visits: number; visitors: number }> {
  const groups = new Map<string, Event[]>();
  for (const event of events) {
    const name = key(event);
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name)!.push(event);
  }
  return new Map(
    [...groups].map(([name, group]) => [
      name,
      {
        page_views: group.filter((event) => event.type === 'page_view').length,
        visits: new Set(group.map((event) => event.session_id)).size,
        visitors: new Set(group.map((event) => event.visitor_id)).size,
      },
    ]),
  );
}

function withoutLive(stats: Stats): Partial<Stats> {
  const { active_visitors: _a, visits_last_minute: _v, recent_events: _r, ...rest } = stats;
  return rest;
}

/** Each zone, a moment to read at, and the local date of a day whose length daylight-saving time changes. */
const ZONES = [
  // New Zealand daylight time begins: 2026-09-27 runs 02:00 -> 03:00, a day of 23 hours.
  { site: 'kiwi', timeZone: 'Pacific/Auckland', now: Date.UTC(2026, 9, 12, 7, 13, 5) / 1000, changed: '2026-09-27', hours: 23 },
  // Pacific daylight time ends: 2026-11-01 runs 02:00 -> 01:00, a day of 25 hours.
  { site: 'coast', timeZone: 'America/Los_Angeles', now: Date.UTC(2026, 10, 20, 19, 41, 17) / 1000, changed: '2026-11-01', hours: 25 },
  // No daylight-saving time, and half an hour off UTC: read raw where rollup buckets do not tile its steps.
  { site: 'pune', timeZone: 'Asia/Kolkata', now: Date.UTC(2026, 10, 20, 19, 41, 17) / 1000, changed: undefined, hours: 24 },
] as const;

describe('a site in its own time zone', () => {
  let app: FastifyInstance;
  const sites = new Map<string, SiteEntry>();
  const generated = new Map(ZONES.map((zone) => [zone.site, makeEvents(zone.site, zone.now)]));

  beforeAll(async () => {
    app = await testApp();
    const portfolio = app.catalog.sites.get('portfolio')!;
    for (const zone of ZONES) sites.set(zone.site, { ...portfolio, id: zone.site, timeZone: zone.timeZone });
    const lines = [...generated.values()].flat().map(({ s: _s, ...row }) => Buffer.from(`${JSON.stringify(row)}\n`));
    await insertLines(app.clickhouse, 'events', lines, randomUUID());
  });
  afterAll(async () => {
    await app.close();
  });

  const read = (zone: (typeof ZONES)[number], range: Range, rollups: boolean) =>
    readStats(app.clickhouse, sites.get(zone.site)!, range, [], {}, { rollups, now: zone.now });

  it('reads the time series of a whole-hour zone from hourly rollups only, of a +05:30 zone from raw events', () => {
    const sources = (zone: (typeof ZONES)[number]) =>
      new Set(planQuery(parseQuery(sites.get(zone.site)!, '30d', {}, { now: zone.now })).overTime.map((stretch) => stretch.source));
    expect(sources(ZONES[0])).toEqual(new Set(['raw', 'hour']));
    expect(sources(ZONES[1])).toEqual(new Set(['raw', 'hour']));
    expect(sources(ZONES[2])).toEqual(new Set(['raw']));
    // The breakdowns need no local time: daily rollups serve them in any zone (those of a long
    // period: a rolling range's are read from hours, stats-rollups.test.ts).
    expect(
      planQuery(parseQuery(sites.get('pune')!, '30d', {}, { now: ZONES[2].now, period: '12mo' })).breakdowns.some(
        (stretch) => stretch.source === 'day',
      ),
    ).toBe(true);
  });

  for (const zone of ZONES) {
    it(`${zone.timeZone}: days begin at local midnight, the day of a clock change is ${zone.hours} hours long`, async () => {
      const stats = await read(zone, '30d', true);
      expect(stats.time_zone).toBe(zone.timeZone);
      const times = stats.timeseries.map((point) => point.time);
      // Every point but the first (the range begins mid-day) is a local midnight, one per local date.
      for (const time of times.slice(1))
        expect(new Date(time * 1000).toLocaleTimeString('en-GB', { timeZone: zone.timeZone })).toBe('00:00:00');
      const dates = times.map((time) => local(time, zone.timeZone).date);
      expect(new Set(dates).size).toBe(dates.length);
      expect(dates.at(-1)).toBe(local(zone.now, zone.timeZone).date);
      const lengths = new Map(dates.slice(1, -1).map((date, index) => [date, times[index + 2]! - times[index + 1]!]));
      for (const [date, seconds] of lengths) expect(seconds, date).toBe(date === zone.changed ? zone.hours * HOUR : DAY);
      if (zone.changed) expect(lengths.has(zone.changed)).toBe(true);
    });

    it(`${zone.timeZone}: each day's figures equal a count of the events by their local date`, async () => {
      const stats = await read(zone, '30d', true);
      const from = zone.now - 30 * DAY;
      const inRange = generated.get(zone.site)!.filter((event) => event.s >= from);
      const expected = countBy(inRange, (event) => local(event.s, zone.timeZone).date);
      const got = new Map(
        stats.timeseries.map(({ time, page_views, visits, visitors }) => [
          local(time, zone.timeZone).date,
          { page_views, visits, visitors },
        ]),
      );
      expect(got).toEqual(expected);
      expect(stats.page_views).toBe(inRange.filter((event) => event.type === 'page_view').length);
    });

    it(`${zone.timeZone}: each hour's figures equal a count of the events by their local hour`, async () => {
      const stats = await read(zone, '24h', true);
      const inRange = generated.get(zone.site)!.filter((event) => event.s >= zone.now - DAY);
      const expected = countBy(inRange, (event) => local(event.s, zone.timeZone).hour);
      const got = new Map(
        stats.timeseries.map(({ time, page_views, visits, visitors }) => [
          local(time, zone.timeZone).hour,
          { page_views, visits, visitors },
        ]),
      );
      expect(got).toEqual(expected);
    });

    it(`${zone.timeZone}: the rollups answer every range as raw events do`, async () => {
      for (const range of ['24h', '7d', '30d'] as const) {
        const [fromRollups, fromRaw] = await Promise.all([read(zone, range, true), read(zone, range, false)]);
        expect(withoutLive(fromRollups), range).toEqual(withoutLive(fromRaw));
      }
    });
  }
});
