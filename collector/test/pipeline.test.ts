// End to end on real parts: the OpenTelemetry SDK exports spans and the `portfolio.events`
// counter to our built Collector, which forwards them to the ingest service (embedded
// ClickHouse); Prometheus scrapes the ingest service, the Collector and itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pWaitFor from 'p-wait-for';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, NativeStack } from '../src/stack/native-stack.js';
import { activeTargets, instantQuery } from '../src/stack/prometheus-api.js';
import { ingestMetric, storedEvents } from './support/ingest-api.js';
import { startNodeTelemetry } from './support/node-sdk-telemetry.js';

const scratch = mkdtempSync(join(tmpdir(), 'footfall-pipeline-'));
const session = `pipeline-${randomUUID()}`;
const CLICKS = 5;
let stack: NativeStack;
const sentSpanIds: string[] = [];

beforeAll(async () => {
  stack = new NativeStack({
    baseDir: scratch,
    ports: await freePorts(),
    corsOrigins: ['http://127.0.0.1:5173'],
    ingestEnv: { RATE_LIMIT_PER_MINUTE: '0', BATCH_INTERVAL_MS: '200' },
    collectorEnv: { COLLECTOR_BATCH_TIMEOUT: '200ms' },
  });
  await stack.startAll();

  const telemetry = startNodeTelemetry(stack.urls.collectorOtlpHttp);
  sentSpanIds.push(telemetry.event('page_view', { session, path: '/' }));
  for (let i = 0; i < CLICKS; i++) sentSpanIds.push(telemetry.event('object_click', { session, object: 'guitar' }));
  await telemetry.flush();
  await telemetry.shutdown();
});

afterAll(async () => {
  await stack?.stopAll();
  rmSync(scratch, { recursive: true, force: true });
});

describe('SDK -> Collector -> ingest service -> ClickHouse, scraped by Prometheus', () => {
  it('stores every span as an analytics event, once, with its span id as event id', async () => {
    await pWaitFor(async () => (await storedEvents(stack.urls.ingest, session)).length >= sentSpanIds.length, {
      interval: 250,
      timeout: 30_000,
    });
    const events = await storedEvents(stack.urls.ingest, session);
    expect(events.map((e) => e.event_id).sort()).toEqual([...sentSpanIds].sort());
    expect(events.filter((e) => e.type === 'object_click' && e.object_id === 'guitar')).toHaveLength(CLICKS);
    expect(new Set(events.map((e) => e.source))).toEqual(new Set(['otlp']));
  });

  it('counts the events and the browser counter on the ingest service /metrics', async () => {
    expect(
      await ingestMetric(stack.urls.ingest, 'footfall_events_accepted_total', { type: 'object_click', source: 'otlp' }),
    ).toBeGreaterThanOrEqual(CLICKS);
    await pWaitFor(
      async () =>
        (await ingestMetric(stack.urls.ingest, 'footfall_browser_events_total', { type: 'object_click', object: 'guitar' })) >= CLICKS,
      { interval: 250, timeout: 30_000 },
    );
  });

  it('shows the same counters in Prometheus, and every target up', async () => {
    const prometheus = stack.urls.prometheus;
    const value = async (expr: string) => (await instantQuery(prometheus, expr)).reduce((sum, s) => sum + s.value, 0);
    // Scrapes run every 5 s; wait for one after the data arrived.
    await pWaitFor(async () => (await value('sum(footfall_browser_events_total{type="object_click",object="guitar"})')) >= CLICKS, {
      interval: 500,
      timeout: 40_000,
    });
    expect(await value('sum(footfall_events_accepted_total{type="object_click",source="otlp"})')).toBeGreaterThanOrEqual(CLICKS);
    // The Collector's own metrics: spans it received and sent on.
    expect(await value('sum({__name__=~"otelcol_exporter_sent_spans.*"})')).toBeGreaterThanOrEqual(sentSpanIds.length);

    await pWaitFor(async () => (await activeTargets(prometheus)).every((t) => t.health === 'up'), { interval: 500, timeout: 30_000 });
    const targets = await activeTargets(prometheus);
    expect(targets.map((t) => t.job).sort()).toEqual(['ingest', 'otelcol', 'prometheus']);
    expect(await value('sum(up)')).toBe(3);
  });
});
