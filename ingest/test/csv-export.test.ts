// Both CSV exports (/api/events and /api/funnel) with every cell OWASP's CSV-injection guidance
// names, stored through a real beacon on the embedded engine and read back with a real CSV parser
// (csv-parse): each value comes back whole, a formula or NUL start with its apostrophe.
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_COLUMNS } from '../src/stats/events.js';
import { beaconEvent, postBeacon, testApp } from './support/test-app.js';

/** Each stored value, and what the spreadsheet must get back from the CSV. */
const CELLS: Array<[stored: string, exported: string]> = [
  ['=HYPERLINK("http://evil.example","x")', `'=HYPERLINK("http://evil.example","x")`],
  ['+1+cmd|" /C calc"!A0', `'+1+cmd|" /C calc"!A0`],
  ['-2+3', `'-2+3`],
  ['@SUM(1+1)', `'@SUM(1+1)`],
  ['\t=1', `'\t=1`],
  ['\r=1', `'\r=1`],
  ['\u0000=1', `'\u0000=1`],
  ['\uFF1D1+1', `'\uFF1D1+1`],
  ['spring;sale', 'spring;sale'],
  ['spring,sale', 'spring,sale'],
  ['say "hi"', 'say "hi"'],
  ['two\nlines', 'two\nlines'],
  ['two\r\nlines', 'two\r\nlines'],
  ['plain', 'plain'],
];

describe('CSV exports', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
    const events = CELLS.map(([stored], index) =>
      beaconEvent({ id: `csv-cell-${index}`, session: `csv-${index}`, utm_campaign: stored, path: `/c;${index}` }),
    );
    expect((await postBeacon(app, { site: 'portfolio', events })).json()).toMatchObject({ accepted: CELLS.length });
    expect(await app.pipeline.flush(30_000)).toBe(true);
  });
  afterAll(async () => app.close());

  it('exports every cell of /api/events whole, formulas and NUL made text, and quotes every cell holding ;', async () => {
    const response = await app.inject('/api/events?site=portfolio&format=csv&limit=1000');
    expect(response.statusCode).toBe(200);
    const records = parse(response.body, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(records[0]!)).toEqual([...EVENT_COLUMNS]);
    const byId = new Map(records.map((record) => [record.event_id, record]));
    CELLS.forEach(([, exported], index) => {
      const record = byId.get(`csv-cell-${index}`)!;
      expect(record.utm_campaign).toBe(exported);
      expect(record.path).toBe(`/c;${index}`);
    });
    // A spreadsheet that splits on ";" must not split a cell: every ";" is inside quotes.
    expect(response.body).toContain('"spring;sale"');
    expect(response.body).toContain('"/c;0"');
  });

  it('exports a funnel whose step holds ; quotes and line breaks, whole', async () => {
    const target = '/c;0';
    const response = await app.inject(
      `/api/funnel?site=portfolio&range=1h&step=page_view&step=${encodeURIComponent(`page_view:${target}`)}&format=csv`,
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`"page_view:${target}"`);
    expect(parse(response.body, { columns: true })).toEqual([
      { step: 'page_view', sessions: String(CELLS.length) },
      { step: `page_view:${target}`, sessions: '1' },
    ]);
  });
});
