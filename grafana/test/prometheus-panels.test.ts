// Every PromQL panel, run against a real Prometheus that scraped the ingest service and a real
// Collector during a short load: each must parse and return series.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, NativeStack, toolPath } from '@footfall/stack';
import { loadCatalog } from '../src/catalog.js';
import { otelcolCounter } from '../src/collector-metrics.js';
import { PROMETHEUS_UID } from '../src/datasources.js';
import { allDashboards } from '../src/dashboards/index.js';
import { thresholdHolds } from './support/alert-evaluation.js';
import { sendLiveLoad } from './support/live-load.js';
import { queryInstant, queryRange } from './support/prometheus-server.js';
import { provisionedRules, recordedSeries } from './support/provisioned-rules.js';

interface PromTarget {
  expr: string;
  refId: string;
  datasource?: { uid?: string };
}

// Series that only exist once something went wrong: a healthy short load cannot fill them.
// Each is still run, so it must parse; the alert scenario test covers what they show.
const ONLY_ON_FAILURE = ['footfall_write_failures_total', 'otelcol_exporter_send_failed_'];
// Each site's expected level is recorded only once the site has a day of history; the alert
// scenario test shows these panels' series on fifteen backfilled days.
const ONLY_WITH_HISTORY = ['site:footfall_events_accepted:'];

// Grafana's `$__rate_interval` is at least four scrape intervals; with the 5 s scrapes of the
// stack, 1m holds enough samples for rate().
const RATE_INTERVAL = '1m';

const promPanels = Object.values(allDashboards(loadCatalog())).flatMap((dashboard) =>
  (dashboard.panels as Array<{ title: string; targets?: PromTarget[] }>).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((target) => target.datasource?.uid === PROMETHEUS_UID)
      .map((target) => ({ dashboard: dashboard.title ?? '', panel: panel.title, target })),
  ),
);

const interpolate = (expr: string): string =>
  expr.replaceAll('$__rate_interval', RATE_INTERVAL).replaceAll('$__range', '2m').replaceAll('$site', 'portfolio');

describe('PromQL panels on a live stack', () => {
  let baseDir: string;
  let stack: NativeStack;

  beforeAll(async () => {
    // Named up front so a machine without the tools fails here with the setup hint.
    toolPath('prometheus');
    toolPath('otelcol');
    baseDir = mkdtempSync(join(tmpdir(), 'footfall-grafana-prometheus-'));
    stack = new NativeStack({
      baseDir,
      ports: await freePorts(),
      corsOrigins: ['http://127.0.0.1:5173'],
      ingestEnv: { RATE_LIMIT_PER_MINUTE: '0', BATCH_INTERVAL_MS: '100', LOG_LEVEL: 'warn' },
    });
    await stack.startAll();
    const targets = { ingest: stack.urls.ingest, collectorOtlpHttp: stack.urls.collectorOtlpHttp };
    // One round first, scraped before the load: a counter's first sample is no part of increase(),
    // so counters born with the load would each lose a different share of it, and browser counts
    // set against accepted events would look like loss.
    await sendLiveLoad(targets, 1, 0);
    await waitForSeries(['sum(footfall_browser_events_total) > 0', 'sum(footfall_events_accepted_total{source="otlp"}) > 0'], 60_000);
    await sendLiveLoad(targets, 20, 750);
    // Wait for the scrapes that saw the load: the Collector exported and the browser counts arrived.
    const ready = [
      `sum(rate(${otelcolCounter('exporter_sent_spans')}[1m])) > 0`,
      'sum(rate(footfall_browser_events_total[1m])) > 0',
      'sum(rate(footfall_events_accepted_total{source="otlp"}[1m])) > 0',
    ];
    await waitForSeries(ready, 90_000);
  }, 240_000);

  async function waitForSeries(queries: string[], withinMs: number): Promise<void> {
    const deadline = Date.now() + withinMs;
    for (const query of queries) {
      while ((await queryInstant(stack.urls.prometheus, query)).length === 0) {
        if (Date.now() > deadline) throw new Error(`Prometheus never saw ${query}; logs in ${stack.logDir}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  afterAll(async () => {
    await stack?.stopAll();
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  });

  it('covers every PromQL panel', () => {
    expect(promPanels.length).toBeGreaterThanOrEqual(15);
  });

  // The traffic alerts compare with recorded series: the stack's Prometheus must load their rules.
  it('loads the recording rules the committed configuration names', async () => {
    const response = await fetch(`${stack.urls.prometheus}/api/v1/rules?type=record`);
    const answer = (await response.json()) as { data: { groups: Array<{ file: string; rules: Array<{ name: string }> }> } };
    const loaded = answer.data.groups.filter((group) => group.file.endsWith('footfall-rules.yml'));
    expect(loaded.flatMap((group) => group.rules.map((rule) => rule.name)).sort()).toEqual(recordedSeries().sort());
  });

  for (const { dashboard, panel, target } of promPanels) {
    const failureOnly = ONLY_ON_FAILURE.some((name) => target.expr.includes(name));
    const historyOnly = ONLY_WITH_HISTORY.some((name) => target.expr.includes(name));
    const expectation = failureOnly
      ? 'parses (a failure-only series)'
      : historyOnly
        ? 'parses (needs a day of history)'
        : 'parses and returns series';
    it(`${dashboard} / ${panel} [${target.refId}] ${expectation}`, async () => {
      const now = Date.now();
      const result = await queryRange(stack.urls.prometheus, interpolate(target.expr), now - 120_000, now, 5);
      if (!failureOnly && !historyOnly) expect(result.length, target.expr).toBeGreaterThan(0);
      else expect(Array.isArray(result)).toBe(true);
    });
  }

  // Browsers counted exactly what was sent, refusals stay a small share: no rule may fire. The
  // rules that compare with the past (an hour, a day) have no history here and stay empty too.
  it('runs every provisioned alert expression on the live stack without an alert', async () => {
    const { rules } = provisionedRules();
    // The browser counts and the spans travel through the Collector in separate batches: wait
    // until Prometheus has scraped everything accepted, or a half-arrived load looks like loss.
    const caughtUp = 'sum(footfall_events_accepted_total) >= sum(footfall_browser_events_total)';
    const deadline = Date.now() + 60_000;
    while ((await queryInstant(stack.urls.prometheus, caughtUp)).length === 0) {
      if (Date.now() > deadline) throw new Error(`accepted events never caught up with browser counts; logs in ${stack.logDir}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const firing: string[] = [];
    for (const rule of rules) {
      // A rule's query returns a value for everything it watches; its threshold stage decides.
      const result = await queryInstant(stack.urls.prometheus, rule.expr);
      const alarming = result.filter((series) => thresholdHolds(rule.threshold, Number(series.value[1])));
      if (alarming.length > 0) firing.push(`${rule.uid}: ${JSON.stringify(alarming)}`);
    }
    expect(rules.length).toBeGreaterThanOrEqual(7);
    expect(firing).toEqual([]);
  });
});
