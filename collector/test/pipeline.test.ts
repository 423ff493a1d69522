// End to end on real parts: a visitor in Chromium on the demo portfolio, whose OpenTelemetry tier
// exports spans and the `portfolio.events` counter to our built Collector, which forwards them to
// the ingest service (embedded ClickHouse); Prometheus scrapes the ingest service, the Collector
// and itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestMetric, storedEvents, waitFor, waitUntil, freePorts, NativeStack, activeTargets, instantQuery } from '@footfall/stack';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startDemo, type Demo } from '../../browser/test/support/demo.js';
import { journeyLines } from '../../browser/test/support/event-lines.js';
import { CLICKED, expectedEventLines, visitDemo, type Visit } from '../../browser/test/support/visit.js';

const scratch = mkdtempSync(join(tmpdir(), 'footfall-pipeline-'));
let stack: NativeStack | undefined;
let demo: Demo | undefined;
let browser: Browser | undefined;
let visit: Visit;

beforeAll(async () => {
  const ports = await freePorts();
  // The demo needs the Collector's URL, and the Collector the demo's origin for CORS.
  demo = await startDemo({ mode: 'otel', collectorUrl: `http://127.0.0.1:${ports.otlpHttp}` });
  stack = new NativeStack({
    baseDir: scratch,
    ports,
    corsOrigins: [demo.url],
    ingestEnv: { RATE_LIMIT_PER_MINUTE: '0', BATCH_INTERVAL_MS: '200' },
    collectorEnv: { COLLECTOR_BATCH_TIMEOUT: '200ms' },
  });
  await stack.startAll();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await stack?.stopAll();
  if (!process.env.FOOTFALL_KEEP_TEST_DATA) rmSync(scratch, { recursive: true, force: true });
});

describe('Chromium -> Collector -> ingest service -> ClickHouse, scraped by Prometheus', () => {
  // The visit runs as a test of its own (its steps assert the demo works); the tests after it
  // follow its events down the pipeline.
  it('a visitor goes through the demo, with no error in the page', async () => {
    visit = await visitDemo(browser!, demo!.url);
    expect(visit.session).not.toBe('');
    expect(visit.pageErrors).toEqual([]);
  });

  it('stores every event of the visit once, all through OTLP', async () => {
    const urls = stack!.urls;
    const expected = expectedEventLines();
    const journey = async () => journeyLines((await storedEvents(urls.ingest, visit.session)) as Parameters<typeof journeyLines>[0]);
    await waitFor(async () => (await journey()).length >= expected.length, {
      intervalMs: 250,
      timeoutMs: 30_000,
    });
    const events = await storedEvents(urls.ingest, visit.session);
    expect(await journey()).toEqual(expected);
    expect(new Set(events.map((e) => e.source))).toEqual(new Set(['otlp']));
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
  });

  it('counts the events and the browser counter on the ingest service /metrics', async () => {
    const urls = stack!.urls;
    expect(await ingestMetric(urls.ingest, 'footfall_events_accepted_total', { type: 'object_click', source: 'otlp' })).toBe(
      CLICKED.length,
    );
    // The visit clicks each object once: the browser's counter says so, exactly, once it arrived.
    const browserClicks = () => ingestMetric(urls.ingest, 'footfall_browser_events_total', { type: 'object_click' });
    await waitUntil('the browser counter on /metrics', async () => (await browserClicks()) >= CLICKED.length, {
      intervalMs: 250,
      timeoutMs: 30_000,
    });
    expect(await browserClicks()).toBe(CLICKED.length);
    for (const object of CLICKED) {
      expect(await ingestMetric(urls.ingest, 'footfall_browser_events_total', { type: 'object_click', object }), object).toBe(1);
    }
  });

  it('shows the same counters in Prometheus, and every target up', async () => {
    const prometheus = stack!.urls.prometheus;
    const value = async (expr: string) => (await instantQuery(prometheus, expr)).reduce((sum, s) => sum + s.value, 0);
    // Scrapes run every 5 s; wait for one after the data arrived.
    await waitUntil(
      'the browser counter in Prometheus',
      async () => (await value('sum(footfall_browser_events_total{type="object_click",object="guitar"})')) >= 1,
      { intervalMs: 500, timeoutMs: 40_000 },
    );
    // The click spans and the browser's counter travel apart: wait for a scrape that saw every click.
    const acceptedClicks = 'sum(footfall_events_accepted_total{type="object_click",source="otlp"})';
    await waitFor(async () => (await value(acceptedClicks)) >= CLICKED.length, { intervalMs: 500, timeoutMs: 40_000 });
    expect(await value(acceptedClicks)).toBe(CLICKED.length);
    // The Collector's own metrics (scraped on its own beat): every span it accepted, it sent on,
    // and the ingest service received exactly those. The visit's spans are more than its analytics
    // events (page loads, fetches, interactions), so their number is known only from the Collector.
    const sentSpans = 'sum({__name__=~"otelcol_exporter_sent_spans.*"})';
    const acceptedSpans = 'sum({__name__=~"otelcol_receiver_accepted_spans.*"})';
    const receivedSpans = 'sum(footfall_spans_received_total)';
    await waitFor(
      async () => {
        const [sent, accepted, received] = await Promise.all([value(sentSpans), value(acceptedSpans), value(receivedSpans)]);
        return sent >= expectedEventLines().length && sent === accepted && received === sent;
      },
      { intervalMs: 500, timeoutMs: 30_000 },
    );
    const sent = await value(sentSpans);
    expect(await value(acceptedSpans)).toBe(sent);
    expect(await ingestMetric(stack!.urls.ingest, 'footfall_spans_received_total', {})).toBe(sent);

    await waitFor(async () => (await activeTargets(prometheus)).every((t) => t.health === 'up'), { intervalMs: 500, timeoutMs: 30_000 });
    const targets = await activeTargets(prometheus);
    expect(targets.map((t) => t.job).sort()).toEqual(['ingest', 'otelcol', 'prometheus']);
    expect(await value('sum(up)')).toBe(3);
  });
});
