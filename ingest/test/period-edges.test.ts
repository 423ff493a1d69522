// Rows in the last second before a period's end are counted. The engine's index analysis compares
// a DateTime64 column with a DateTime bound wrongly: a part (or granule) whose rows all lie in the
// second before `ts < toDateTime(end)` was skipped whole, so a fresh insert read at once, or the
// last events before midnight kept in a part of their own, went missing from the figures. Each
// event here is inserted alone, so it is a part of its own, and merges are stopped so it stays one
// (as it is between an insert and the next merge); the expected figures are counted here.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertLines } from '../src/pipeline/batch-insert.js';
import { clock } from './support/raw-events.js';
import { testApp } from './support/test-app.js';

const DAY = 86_400;
/** A UTC day three days back: its end is midnight, a period's exclusive bound. */
const DAY_START = Math.floor(Date.now() / 1000 / DAY) * DAY - 3 * DAY;
const DAY_END = DAY_START + DAY;
const DATE = new Date(DAY_START * 1000).toISOString().slice(0, 10);

/** One visit of one page view at `seconds` (a fraction allowed). */
function visit(name: string, seconds: number) {
  return {
    site: 'edge',
    type: 'page_view',
    ts: clock(seconds),
    event_id: `edge-${name}`,
    session_id: `edge-visit-${name}`,
    visitor_id: `edge-visitor-${name}`,
    source: 'beacon',
    path: `/${name}`,
    received_at: clock(seconds),
  };
}

/** The visits, each inside the day or not, by the text of its time. */
const VISITS = [
  { name: 'first', seconds: DAY_START + 0.4, inside: true },
  { name: 'middle', seconds: DAY_START + DAY / 2, inside: true },
  { name: 'last', seconds: DAY_END - 0.7, inside: true },
  { name: 'next', seconds: DAY_END + 0.2, inside: false },
];

function catalogFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-edges-')), 'catalog.json');
  writeFileSync(
    file,
    JSON.stringify({
      sites: [{ id: 'edge', origins: ['https://edge.example.com'], goals: [{ name: 'Last', page: '/last' }] }],
      eventTypes: ['page_view'],
    }),
  );
  return file;
}

describe('the last second before a period ends', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await testApp({ catalogFile: catalogFile() });
    await app.clickhouse.command({ query: 'SYSTEM STOP MERGES events' });
    for (const { name, seconds } of VISITS) {
      await insertLines(app.clickhouse, 'events', Buffer.from(`${JSON.stringify(visit(name, seconds))}\n`), randomUUID());
    }
  });
  afterAll(async () => {
    await app.close();
  });

  const inside = VISITS.filter((v) => v.inside).map((v) => `/${v.name}`);

  it('counts the entry pages of the day, its last second included', async () => {
    const response = await app.inject(`/api/stats?site=edge&from=${DATE}&to=${DATE}`);
    expect(response.statusCode, response.body).toBe(200);
    const stats = response.json();
    const entries = stats.entry_pages.map((row: { path: string; visits: number }) => [row.path, row.visits]);
    expect(entries.sort()).toEqual(inside.map((path) => [path, 1]).sort());
    expect(stats.visits).toBe(inside.length);
  });

  it('counts a goal reached in the day’s last second', async () => {
    const response = await app.inject(`/api/stats?site=edge&from=${DATE}&to=${DATE}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().goals).toMatchObject([{ goal: 'Last', visitors: 1, events: 1 }]);
  });

  it('counts a funnel step of the day’s last second', async () => {
    const response = await app.inject(`/api/funnel?site=edge&from=${DATE}&to=${DATE}&step=page_view&step=page_view:/last`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().steps.map((step: { sessions: number }) => step.sessions)).toEqual([inside.length, 1]);
  });
});
