// Every ClickHouse panel of every dashboard, run on the embedded engine after a day of traffic
// went through the ingest service's own API: the SQL must run once Grafana and the plugin have
// expanded it, return the columns its panel type needs, and return exactly the values worked out
// from what the seed sent (support/panel-answers.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../ingest/src/app.js';
import { loadConfig } from '../../ingest/src/config.js';
import { loadCatalog } from '../src/catalog.js';
import { CLICKHOUSE_UID } from '../src/datasources.js';
import { allDashboards } from '../src/dashboards/index.js';
import { TRACE_BY_ID_SQL } from '../src/dashboards/performance.js';
import { panelSql, type TimeRange, type VariableValues } from './support/grafana-interpolation.js';
import { funnelOf, PANEL_ANSWERS, type Row } from './support/panel-answers.js';
import { catalogWithGoals } from './support/seed-goals.js';
import { seedDayOfTraffic, type SeedSummary } from './support/seed-traffic.js';

interface Column {
  name: string;
  type: string;
}
interface Answer {
  meta: Column[];
  data: Array<Record<string, unknown>>;
}
interface SqlTarget {
  rawSql: string;
  format: number;
  datasource?: { uid?: string };
}
interface PanelModel {
  title: string;
  type: string;
  targets?: SqlTarget[];
}

const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/;
const TIME = /^(Nullable\()?DateTime/;
const isNumeric = (column: Column): boolean => NUMERIC.test(column.type);

// What each panel type draws from: Grafana shows "no data" or an error when these are missing.
const NEEDS: Record<string, (columns: Column[]) => string | undefined> = {
  timeseries: (columns) =>
    columns[0]?.name === 'time' && TIME.test(columns[0].type) && columns.slice(1).some(isNumeric)
      ? undefined
      : 'a DateTime column "time" first and a numeric value column',
  stat: (columns) => (columns.some(isNumeric) ? undefined : 'a numeric column'),
  table: (columns) => (columns.length > 0 ? undefined : 'columns'),
  bargauge: (columns) =>
    columns.some((c) => !isNumeric(c)) && columns.some(isNumeric) ? undefined : 'a label column and a numeric column',
  piechart: (columns) =>
    columns.some((c) => !isNumeric(c)) && columns.some(isNumeric) ? undefined : 'a label column and a numeric column',
};

const catalog = loadCatalog();
/** What the ingest service runs with: the catalog and the seed's goals (Grafana reads those from ClickHouse, never from a render). */
const servedCatalog = catalogWithGoals(catalog);
const clickhousePanels = Object.values(allDashboards(catalog)).flatMap((dashboard) => {
  const seen = new Map<string, number>();
  return (dashboard.panels as PanelModel[]).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((target) => target.datasource?.uid === CLICKHOUSE_UID)
      .map((target) => {
        // A title used twice on one dashboard ("Room entries": now and over the range) is told apart by its place.
        const occurrence = (seen.get(panel.title) ?? 0) + 1;
        seen.set(panel.title, occurrence);
        return {
          dashboard: dashboard.title ?? '',
          panel,
          target,
          answerKey: occurrence === 1 ? panel.title : `${panel.title}#${occurrence}`,
        };
      }),
  );
});

const round = (value: number): number => Math.round(value * 1e6) / 1e6;
/** A row with its keys in one order and numbers rounded, so rows compare as text. */
const canonical = (row: Row): string =>
  JSON.stringify(
    Object.keys(row)
      .sort()
      .map((key) => [key, typeof row[key] === 'number' ? round(row[key] as number) : row[key]]),
  );

/** The answer's rows as plain values: numbers as numbers, times as epoch milliseconds (the session runs in UTC). */
function answerRows(answer: Answer): Row[] {
  return answer.data.map((row) =>
    Object.fromEntries(
      answer.meta.map((column) => {
        const value = row[column.name];
        if (TIME.test(column.type)) return [column.name, Date.parse(`${String(value).slice(0, 23).replace(' ', 'T')}Z`)];
        if (isNumeric(column)) return [column.name, Number(value)];
        return [column.name, String(value)];
      }),
    ),
  );
}
/** The funnel steps a dashboard opens with: the answers assume them. */
const funnelDefaults = Object.fromEntries(
  (allDashboards(catalog)['navigation.json']!.templating?.list ?? [])
    .filter((variable) => variable.name.startsWith('funnel_step_'))
    .map((variable) => [variable.name, String((variable.current as { value: string }).value)]),
);
const pageVariableSql = (() => {
  const variable = allDashboards(catalog)['visitors.json']!.templating?.list?.find((v) => v.name === 'page');
  return (variable!.query as { rawSql: string }).rawSql;
})();

describe('ClickHouse panels on a seeded day of traffic', () => {
  let app: FastifyInstance;
  let dataDir: string;
  let seed: SeedSummary;
  let range: TimeRange;
  let variables: VariableValues;

  const run = async (sql: string): Promise<Answer> => {
    // UTC, so the hour buckets the test works out are the ones ClickHouse makes wherever it runs.
    const result = await app.clickhouse.query({ query: sql, format: 'JSON', clickhouse_settings: { session_timezone: 'UTC' } });
    return result.json<Answer>() as unknown as Answer;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'footfall-grafana-clickhouse-'));
    const catalogFile = join(dataDir, 'catalog.json');
    writeFileSync(catalogFile, JSON.stringify(servedCatalog));
    app = await buildApp(
      loadConfig({
        DATA_DIR: dataDir,
        CATALOG_FILE: catalogFile,
        RATE_LIMIT_PER_MINUTE: '0',
        BATCH_INTERVAL_MS: '50',
        LOG_LEVEL: 'silent',
        // Visitors are told apart by the forwarded address the seed sends, as behind a proxy.
        TRUST_PROXY: '1',
        // The seed writes the alerts the panels show. The service's own evaluator would judge the
        // seeded traffic at the next minute and resolve the seeded firing alert (CI, when a run
        // crossed a minute): the panels are proven on what was stored, not on the evaluator.
        ALERTS_ENABLED: 'false',
      }),
    );
    await app.ready();
    const now = Date.now();
    seed = await seedDayOfTraffic(app, now);
    expect(await app.pipeline.flush(30_000)).toBe(true);
    range = { from: now - 24 * 3_600_000, to: now + 60_000, intervalMs: 300_000 };
    const pages = await run(panelSql(pageVariableSql, { site: 'portfolio' }, range));
    variables = { site: 'portfolio', page: pages.data.map((row) => String(row.path)), ...funnelDefaults };
  });

  afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds a day of sessions, traces and web vitals', () => {
    expect(seed.sessions).toBe(240);
    expect(seed.events).toBeGreaterThan(2000);
    expect(seed.traces).toBeGreaterThan(50);
    expect(seed.slowTraceIds.length).toBeGreaterThan(0);
  });

  it('lists every page the seed visited in the page variable', () => {
    expect(variables.page).toEqual(seed.pages);
  });

  it('has an expected answer for every ClickHouse panel, and no answer without a panel', () => {
    expect(clickhousePanels.map((p) => p.answerKey).sort()).toEqual(Object.keys(PANEL_ANSWERS).sort());
  });

  for (const { dashboard, panel, target, answerKey } of clickhousePanels) {
    it(`${dashboard} / ${panel.title}: has the columns a ${panel.type} needs and shows exactly what the seed sent`, async () => {
      const nowMs = Date.now();
      const answer = await run(panelSql(target.rawSql, variables, range));
      const need = NEEDS[panel.type];
      expect(need, `no column rule for panel type ${panel.type}`).toBeDefined();
      expect(need!(answer.meta), `${panel.title} columns ${JSON.stringify(answer.meta)}`).toBeUndefined();

      const workOut = PANEL_ANSWERS[answerKey];
      expect(workOut, `no expected answer for the panel "${answerKey}" in support/panel-answers.ts`).toBeDefined();
      const expected = workOut!({
        events: seed.sentEvents,
        spans: seed.sentSpans,
        vitals: seed.sentVitals,
        catalog: servedCatalog,
        nowMs,
        intervalMs: range.intervalMs,
        range: { from: range.from, to: range.to },
        alerts: seed.sentAlerts,
      });
      const actual = answerRows(answer);
      expect(actual.length, panel.title).toBeGreaterThan(0);
      if (answerKey === 'Slowest fetches') {
        // LIMIT 20 over equal durations may pick any of the equals: each row must be one of them.
        expect(actual).toHaveLength(20);
        const allowed = new Set(expected.map(canonical));
        for (const row of actual) expect(allowed.has(canonical(row)), JSON.stringify(row)).toBe(true);
        return;
      }
      expect(actual.map(canonical).sort(), panel.title).toEqual(expected.map(canonical).sort());
    });
  }

  it('lists the objects never clicked, with the plant seen but never clicked and the desk lamp never seen', async () => {
    const panel = clickhousePanels.find((p) => p.panel.title === 'Least clicked objects')!;
    const rows = (await run(panelSql(panel.target.rawSql, variables, range))).data;
    const byObject = new Map(rows.map((row) => [row.object, row]));
    expect(rows).toHaveLength(catalog.sites[0]!.rooms.flatMap((room) => room.objects).length);
    expect(Number(byObject.get('plant')?.clicks)).toBe(0);
    expect(Number(byObject.get('plant')?.views)).toBeGreaterThan(0);
    expect(Number(byObject.get('desk-lamp')?.views)).toBe(0);
    expect(Number(byObject.get('guitar')?.clicks)).toBeGreaterThan(0);
  });

  const panelRows = async (title: string, extra: VariableValues = {}) => {
    const panel = clickhousePanels.find((p) => p.panel.title === title)!;
    return (await run(panelSql(panel.target.rawSql, { ...variables, ...extra }, range))).data;
  };

  it("never lists the site's own host as a source, and counts its links as steps between pages", async () => {
    expect(seed.sentEvents.some((event) => event.type === 'page_view' && event.from === '/projects' && event.path === '/')).toBe(true);
    const sources = (await panelRows('Sources')).map((row) => row.source);
    expect(sources).toEqual(expect.arrayContaining(['www.google.com', 'github.com', 'news.ycombinator.com']));
    expect(sources.filter((source) => String(source).includes('5173'))).toEqual([]);
    const flows = await panelRows('Flows');
    // An ordinary link: a page view whose referrer is the site's home page, no navigation event.
    expect(flows.some((row) => row.from_page === '/' && row.to_page === '/contact')).toBe(true);
    expect(flows.some((row) => row.from_page === '/projects' && row.to_page === '/')).toBe(true);
  });

  it('lists the countries the seed came from, and campaigns without every parameter', async () => {
    expect((await panelRows('Countries')).map((row) => row.country).sort()).toEqual(['DE', 'FR', 'JP', 'US']);
    const campaigns = await panelRows('Campaigns');
    expect(campaigns.some((row) => row.source === '' && row.campaign === 'cv')).toBe(true);
  });

  it('counts a funnel of chosen steps with targets, as the variables allow', async () => {
    const steps = ['page_view:/', 'room_enter:studio', 'object_click:guitar', 'page_view:/projects'];
    const chosen = Object.fromEntries(steps.map((step, index) => [`funnel_step_${index + 1}`, step]));
    const rows = answerRows(
      await run(panelSql(clickhousePanels.find((p) => p.panel.title === 'Funnel')!.target.rawSql, { ...variables, ...chosen }, range)),
    );
    expect(rows).toEqual(funnelOf(seed.sentEvents, steps));
    expect(rows.map((row) => row.sessions)).toEqual([...rows.map((row) => row.sessions)].sort((a, b) => Number(b) - Number(a)));
    expect(rows.at(-1)!.sessions).toBeGreaterThan(0);
    // "none" ends the funnel there.
    const short = await panelRows('Funnel', { funnel_step_2: 'object_click:guitar', funnel_step_3: 'none', funnel_step_4: 'room_enter' });
    expect(short.map((row) => row.step)).toEqual(['1. page_view', '2. object_click:guitar']);
  });

  it("shows each goal as /api/stats' goals count it, the goal nobody reached with zeros", async () => {
    const response = await app.inject({ method: 'GET', url: '/api/stats?site=portfolio&range=24h' });
    expect(response.statusCode, response.body).toBe(200);
    const api = response.json<{ goals: Row[] }>().goals;
    const rows = answerRows(await run(panelSql(clickhousePanels.find((p) => p.panel.title === 'Goals')!.target.rawSql, variables, range)));
    // The panel shows the period's own figures; the API's `change` against the compared period is not a panel column.
    expect(rows.map(canonical)).toEqual(api.map(({ change: _change, ...row }) => canonical(row)));
    expect(rows.map((row) => row.goal)).toEqual(servedCatalog.sites[0]!.goals!.map((goal) => goal.name));
    expect(rows.filter((row) => Number(row.visitors) > 0)).toHaveLength(rows.length - 1);
    expect(rows.at(-1)).toMatchObject({ goal: 'Said thanks', visitors: 0, conversion_rate: 0, events: 0 });
  });

  it("shows the engagement path as /api/stats' engagement counts it: seen and never clicked first, goals and leaving among the next steps", async () => {
    const response = await app.inject({ method: 'GET', url: '/api/stats?site=portfolio&range=24h' });
    const api = response.json<{
      engagement: Array<{
        object: string;
        seen_visitors: number;
        clicked_visitors: number;
        clicks: number;
        next: Array<{ kind: string; value: string; clicks: number }>;
      }>;
    }>().engagement;
    const rows = await panelRows('Engagement path');
    const asApi = api.flatMap((object) =>
      (object.next.length === 0 ? [{ kind: '', value: '', clicks: 0 }] : object.next).map((step) => ({
        object: object.object,
        seen_visitors: object.seen_visitors,
        clicked_visitors: object.clicked_visitors,
        clicks: object.clicks,
        next: step.kind === '' ? '' : step.kind === 'left' ? 'left' : `${step.kind}: ${step.value}`,
        next_clicks: step.clicks,
      })),
    );
    const panel = rows.map(({ label: _label, ...row }) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'string' ? value : Number(value)])),
    );
    expect(panel).toEqual(asApi);
    expect(panel[0]).toMatchObject({ object: 'plant', clicks: 0 });
    expect(panel.some((row) => String(row.next).startsWith('goal: '))).toBe(true);
    expect(panel.some((row) => row.next === 'left')).toBe(true);
  });

  it("lists the service's alerts firing and of the range, each by its newest write, none of another site or an older day", async () => {
    const rows = await panelRows("The service's traffic alerts");
    expect(rows.map((row) => [row.state, row.rule, row.notified])).toEqual([
      ['firing', 'footfall-partial-drop', 'firing'],
      ['resolved', 'footfall-traffic-spike', 'resolved'],
    ]);
  });

  it('lists at most the most clicked elements of a page, the most clicked first', async () => {
    const rows = await panelRows('Most clicked elements');
    expect(rows).toHaveLength(10);
    expect(rows[0]).toMatchObject({ path: '/', selector: '#contact', tag: 'a' });
  });

  it("shows each page's most clicked elements as /api/hotspots counts them, mean places rounded as the API rounds", async () => {
    const response = await app.inject({ method: 'GET', url: '/api/hotspots?site=portfolio&range=24h&path=/' });
    expect(response.statusCode, response.body).toBe(200);
    const api = response.json<{ elements: Row[] }>().elements;
    const rows = answerRows(
      await run(panelSql(clickhousePanels.find((p) => p.panel.title === 'Most clicked elements')!.target.rawSql, variables, range)),
    );
    // ClickHouse's round() of a Float64, as the API rounds a mean place: half to even.
    const rounded = (value: number) => (value - Math.floor(value) === 0.5 ? 2 * Math.round(value / 2) : Math.round(value));
    const asApi = rows.map(({ mean_x, mean_y, ...row }) => ({ ...row, x: rounded(Number(mean_x)), y: rounded(Number(mean_y)) }));
    expect(asApi).toEqual(api.slice(0, rows.length));
    expect(rows).toHaveLength(10);
  });

  it('opens a slow page load as a whole trace through the trace link', async () => {
    const traceId = seed.slowTraceIds[0]!;
    const answer = await run(panelSql(TRACE_BY_ID_SQL, { '__value.raw': traceId }, range));
    expect(answer.meta.map((column) => column.name)).toEqual([
      'traceID',
      'spanID',
      'parentSpanID',
      'serviceName',
      'operationName',
      'startTime',
      'duration',
      'tags',
      'serviceTags',
    ]);
    expect(answer.data.length).toBe(4);
    expect(answer.data.filter((row) => row.parentSpanID === '').map((row) => row.operationName)).toEqual(['documentLoad']);
  });
});
