// The "Most clicked elements" panel against /api/hotspots on the embedded engine: for ranges with
// several whole weeks, whole days only, one day, and rolling ranges with partial hours at their
// start, each page's elements in the panel are the API's for that page (clicks and mean place),
// and those the overview lists carry the overview's figures. Clicks over 40 days on three pages,
// with a place, with none (OpenTelemetry clicks) and with one out of the document, are written
// straight into `events` as the pipeline writes a batch. The panel reads what the overview reads:
// with the hourly rollup emptied, its answer is unchanged.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertLines } from '../../ingest/src/pipeline/batch-insert.js';
import { clock } from '../../ingest/test/support/raw-events.js';
import { testApp } from '../../ingest/test/support/test-app.js';
import { loadCatalog } from '../src/catalog.js';
import { allDashboards } from '../src/dashboards/index.js';
import { HOTSPOTS_PER_PAGE } from '../src/dashboards/hotspots.js';
import { panelSql } from './support/grafana-interpolation.js';

const MINUTE = 60;
const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
const PAGES = ['/', '/work', '/about'];
const SELECTORS = ['#buy', 'nav > a "Work"', '#hero', 'footer a', '', '#menu', 'button "Send"', '.card:nth-child(2)', 'h1', '#logo'];

/** A click every 7 to 90 minutes over 40 days, spread by a fixed sequence so the run is repeatable. */
function clickLines(): Buffer[] {
  const lines: Buffer[] = [];
  let n = 0;
  for (let s = NOW - 40 * DAY; s < NOW - 15 * MINUTE; s += 7 * MINUTE + ((n * 37) % 83) * MINUTE) {
    n += 1;
    const path = PAGES[(n * n) % 7 < 4 ? 0 : n % 3]!;
    const index = (n * 13) % SELECTORS.length;
    const selector = SELECTORS[index % 3 === 0 ? 0 : index]!;
    const viewport = ['phone', 'tablet', 'desktop', ''][n % 4]!;
    // OpenTelemetry clicks (no viewport class) carry no place; every ninth place is out of the document.
    const place = viewport === '' ? {} : { viewport, x: String(n % 9 === 0 ? 150 : (n * 29) % 101), y: String((n * 53) % 101) };
    const props = { selector, tag: selector === '' ? 'div' : `tag${SELECTORS.indexOf(selector)}`, ...place };
    const event = {
      site: 'portfolio',
      type: 'ui_click',
      ts: clock(s),
      event_id: `click-${n}`,
      session_id: `session-${n % 17}`,
      visitor_id: `visitor-${n % 11}`,
      source: 'beacon',
      path,
      props,
      received_at: clock(s),
    };
    lines.push(Buffer.from(`${JSON.stringify(event)}\n`));
  }
  return lines;
}

/** The UTC date some days before the test began. */
const date = (daysAgo: number) => new Date((NOW - daysAgo * DAY) * 1000).toISOString().slice(0, 10);

/** The API's mean place of a panel's mean: ClickHouse's round() of a Float64, half to even. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  if (value - floor !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

const panelSqlText = (() => {
  const navigation = allDashboards(loadCatalog())['navigation.json']!;
  const panel = (navigation.panels as Array<{ title: string; targets?: Array<{ rawSql: string }> }>).find(
    (candidate) => candidate.title === 'Most clicked elements',
  );
  return panel!.targets![0]!.rawSql;
})();

interface ApiElement {
  path: string;
  selector: string;
  tag: string;
  clicks: number;
  x: number | null;
  y: number | null;
}
interface ApiHotspots {
  period: { from: number; to: number | null };
  total_clicks: number;
  elements: ApiElement[];
}

describe('the Most clicked elements panel reads what the overview reads', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await testApp();
    await insertLines(app.clickhouse, 'events', clickLines(), randomUUID());
  });
  afterAll(async () => {
    await app?.close();
  });

  const api = async (query: string): Promise<ApiHotspots> => {
    const response = await app.inject(`/api/hotspots?site=portfolio&${query}`);
    expect(response.statusCode, `${query}: ${response.body}`).toBe(200);
    return response.json();
  };

  /** The panel's rows for the API's period, as the API would list them (mean places rounded). */
  const panel = async (period: ApiHotspots['period']): Promise<ApiElement[]> => {
    // Grafana's range in ms; an open period ends now, as the API reads it.
    const range = { from: period.from * 1000, to: (period.to ?? Math.floor(Date.now() / 1000)) * 1000, intervalMs: 60_000 };
    const result = await app.clickhouse.query({
      query: panelSql(panelSqlText, { site: 'portfolio', page: PAGES }, range),
      format: 'JSONEachRow',
      clickhouse_settings: { session_timezone: 'UTC' },
    });
    const rows = await result.json<{
      path: string;
      selector: string;
      tag: string;
      clicks: string;
      mean_x: number | null;
      mean_y: number | null;
    }>();
    return rows.map((row) => ({
      path: row.path,
      selector: row.selector,
      tag: row.tag,
      clicks: Number(row.clicks),
      x: row.mean_x === null ? null : roundHalfEven(row.mean_x),
      y: row.mean_y === null ? null : roundHalfEven(row.mean_y),
    }));
  };

  const QUERIES = [
    'range=30d',
    'range=7d',
    'range=24h',
    `from=${date(38)}&to=${date(3)}`,
    `from=${date(12)}&to=${date(10)}`,
    `from=${date(5)}&to=${date(5)}`,
  ];

  it("lists each page's most clicked elements with the API's figures, for whole weeks, days, hours and partial hours", async () => {
    for (const query of QUERIES) {
      const overview = await api(query);
      expect(overview.total_clicks, query).toBeGreaterThan(0);
      const rows = await panel(overview.period);
      for (const path of PAGES) {
        // One page from the API (the hourly rollup) and from the panel (the span rows): the same elements, in the same order.
        const page = await api(`${query}&path=${encodeURIComponent(path)}`);
        expect(
          rows.filter((row) => row.path === path),
          `${query} ${path}`,
        ).toEqual(page.elements.slice(0, HOTSPOTS_PER_PAGE));
      }
      // The overview's elements that the panel lists carry the same figures.
      const listed = new Map(rows.map((row) => [`${row.path} ${row.selector}`, row]));
      const shared = overview.elements.filter((element) => listed.has(`${element.path} ${element.selector}`));
      expect(shared.length, query).toBeGreaterThan(5);
      for (const element of shared) expect(listed.get(`${element.path} ${element.selector}`), query).toEqual(element);
    }
  });

  // Last: it empties the hourly rollup.
  it('reads the span rows, not the hourly rollup: emptied, the answer is unchanged', async () => {
    const overview = await api(`from=${date(38)}&to=${date(3)}`);
    const before = await panel(overview.period);
    expect(before.reduce((sum, row) => sum + row.clicks, 0)).toBeGreaterThan(300);
    await app.clickhouse.command({ query: 'TRUNCATE TABLE hotspots_per_hour' });
    expect(await panel(overview.period)).toEqual(before);
  });
});
