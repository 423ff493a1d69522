// Every ClickHouse panel of every dashboard, run on the embedded engine after a day of traffic
// went through the ingest service's own API: the SQL must run once Grafana and the plugin have
// expanded it, return the columns its panel type needs, and return data.
import { mkdtempSync, rmSync } from 'node:fs';
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
const clickhousePanels = Object.values(allDashboards(catalog)).flatMap((dashboard) =>
  (dashboard.panels as PanelModel[]).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((target) => target.datasource?.uid === CLICKHOUSE_UID)
      .map((target) => ({ dashboard: dashboard.title ?? '', panel, target })),
  ),
);
const pageVariableSql = (() => {
  const variable = allDashboards(catalog)['visitors.json']!.templating?.list?.find((v) => v.name === 'page');
  return (variable?.query as { rawSql: string }).rawSql;
})();

describe('ClickHouse panels on a seeded day of traffic', () => {
  let app: FastifyInstance;
  let dataDir: string;
  let seed: SeedSummary;
  let range: TimeRange;
  let variables: VariableValues;

  const run = async (sql: string): Promise<Answer> => {
    const result = await app.clickhouse.query({ query: sql, format: 'JSON' });
    return result.json<Answer>() as unknown as Answer;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'footfall-grafana-clickhouse-'));
    app = await buildApp(
      loadConfig({
        DATA_DIR: dataDir,
        RATE_LIMIT_PER_MINUTE: '0',
        BATCH_INTERVAL_MS: '50',
        LOG_LEVEL: 'silent',
        // Visitors are told apart by the forwarded address the seed sends, as behind a proxy.
        TRUST_PROXY: 'true',
      }),
    );
    await app.ready();
    const now = Date.now();
    seed = await seedDayOfTraffic(app, now);
    expect(await app.pipeline.flush(30_000)).toBe(true);
    range = { from: now - 24 * 3_600_000, to: now + 60_000, intervalMs: 300_000 };
    const pages = await run(panelSql(pageVariableSql, { site: 'portfolio' }, range));
    variables = { site: 'portfolio', page: pages.data.map((row) => String(row.path)) };
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

  it('covers every ClickHouse panel', () => {
    expect(clickhousePanels.length).toBeGreaterThanOrEqual(25);
  });

  for (const { dashboard, panel, target } of clickhousePanels) {
    it(`${dashboard} / ${panel.title}: runs, has the columns a ${panel.type} needs, returns data`, async () => {
      const answer = await run(panelSql(target.rawSql, variables, range));
      const need = NEEDS[panel.type];
      expect(need, `no column rule for panel type ${panel.type}`).toBeDefined();
      expect(need!(answer.meta), `${panel.title} columns ${JSON.stringify(answer.meta)}`).toBeUndefined();
      expect(answer.data.length, panel.title).toBeGreaterThan(0);
      if (panel.type === 'stat') expect(Number(Object.values(answer.data[0]!).find((v) => Number(v) > 0) ?? 0)).toBeGreaterThan(0);
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

  it('opens a slow page load as a whole trace through the trace link', async () => {
    const traceId = seed.slowTraceIds[0]!;
    const answer = await run(panelSql(TRACE_BY_ID_SQL, { '__value.raw': traceId }, range));
    expect(answer.meta.map((column) => column.name)).toEqual([
      'traceID', 'spanID', 'parentSpanID', 'serviceName', 'operationName', 'startTime', 'duration', 'tags', 'serviceTags',
    ]);
    expect(answer.data.length).toBe(4);
    expect(answer.data.filter((row) => row.parentSpanID === '').map((row) => row.operationName)).toEqual(['documentLoad']);
  });
});
