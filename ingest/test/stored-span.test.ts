// Where a site's stored history begins (stats/stored-span.ts), which the period `all` starts from
// and a summary's `partial` note names: its oldest rollup hour and its oldest raw event, for a
// site whose history begins with the table's, one that began months after another site, and one
// with nothing stored; and again once raw events are deleted from the beginning, as retention
// does, while the rollups keep their hours. Each answer is checked against the times the test
// wrote, not against another query.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStoredSpan } from '../src/stats/stored-span.js';
import { testApp } from './support/test-app.js';

const DAY = 86_400;
const HOUR = 3600;
/** Midnight UTC, 2026-01-01: the first event of the site that began first. */
const START = Date.parse('2026-01-01T00:00:00Z') / 1000;

/** `count` events of `site`, one every `every` seconds from `from` (epoch seconds), 17 s past the hour so an event and its hour differ. */
const WRITE = `INSERT INTO events (site, type, ts, event_id, session_id, visitor_id, source, path, received_at)
  SELECT {site:String}, 'page_view', toDateTime64({from:UInt32} + 17 + number * {every:UInt32}, 3, 'UTC'),
         concat({site:String}, '-', toString(number)), concat('s', toString(number)), 'v', 'beacon', '/', now64(3)
  FROM numbers({count:UInt32})`;

describe('where a site’s stored history begins', () => {
  let app: FastifyInstance;
  const write = (site: string, from: number, every: number, count: number) =>
    app.clickhouse.command({ query: WRITE, query_params: { site, from, every, count } });

  beforeAll(async () => {
    app = await testApp();
    // `early` from the start for 60 days; `late` from 100 days on, months after any other site's first event.
    await write('early', START, 6 * HOUR, 240);
    await write('late', START + 100 * DAY, 5 * HOUR, 100);
  });

  afterAll(async () => {
    await app.close();
  });

  it('is the first event and its hour, for a site that began with the table and one that began later', async () => {
    expect(await readStoredSpan(app.clickhouse, 'early')).toEqual({ oldest: START, rawFrom: START + 17 });
    expect(await readStoredSpan(app.clickhouse, 'late')).toEqual({ oldest: START + 100 * DAY, rawFrom: START + 100 * DAY + 17 });
    expect(await readStoredSpan(app.clickhouse, 'none')).toEqual({ oldest: null, rawFrom: null });
  });

  it('follows raw events deleted from the beginning while the rollups keep their hours', async () => {
    // The first 45 days of `early`, and the first 10 of `late`: each site's raw events now begin later.
    for (const [site, days] of [
      ['early', 45],
      ['late', 110],
    ] as const) {
      await app.clickhouse.command({
        query: "DELETE FROM events WHERE site = {site:String} AND ts < toDateTime64({cut:UInt32}, 3, 'UTC') SETTINGS mutations_sync = 2",
        query_params: { site, cut: START + days * DAY },
      });
    }
    // Events every 6 hours from 17 s past midnight: the first kept is the first at or after the cut.
    expect(await readStoredSpan(app.clickhouse, 'early')).toEqual({ oldest: START, rawFrom: START + 45 * DAY + 17 });
    // `late`'s events every 5 hours from day 100: 10 days are 48 of them. Its first event is now
    // more than a month after the table's first, so every time of it is read.
    expect(await readStoredSpan(app.clickhouse, 'late')).toEqual({
      oldest: START + 100 * DAY,
      rawFrom: START + 100 * DAY + 48 * 5 * HOUR + 17,
    });
  });
});
