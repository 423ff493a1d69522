import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from './support/demo.js';
import { journeyLines } from './support/event-lines.js';
import { waitForStoredEvents, type RunningIngest } from './support/ingest.js';
import { startOtelDemoStack, type OtelDemoStack } from './support/otel-demo-stack.js';
import { CLICKED, expectedEventLines, visitDemo, type VisitOptions } from './support/visit.js';

// Real Chromium on the built demo with the OpenTelemetry tier only, exporting OTLP/HTTP straight
// to the real ingest service's /v1/traces and /v1/metrics.
describe('demo portfolio -> OpenTelemetry -> ingest service', () => {
  let stack: OtelDemoStack;
  let ingest: RunningIngest;
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startOtelDemoStack();
    ({ ingest, demo, browser } = stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** The delta counter `portfolio.events`, summed by the ingest service into Prometheus. */
  const clicksOf = async (object: string) => {
    const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
    const line = metrics
      .split('\n')
      .find(
        (candidate) =>
          candidate.startsWith('footfall_browser_events_total{') &&
          candidate.includes('type="object_click"') &&
          candidate.includes(`object="${object}"`),
      );
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  /** One visit; its events must be stored from spans alone, and each click counted once more. */
  async function expectVisitKept(leave?: VisitOptions['leave']): Promise<void> {
    const before = await Promise.all(CLICKED.map(clicksOf));
    const visit = await visitDemo(browser, demo.url, { leave });
    expect(visit.pageErrors).toEqual([]);

    const expected = expectedEventLines();
    const events = await waitForStoredEvents(ingest.url, visit.session, expected.length);
    expect(journeyLines(events)).toEqual(expected);
    expect(new Set(events.map((event) => event.source))).toEqual(new Set(['otlp']));
    expect(new Set(events.map((event) => event.session_id))).toEqual(new Set([visit.session]));
    const roomTime = Number(events.find((event) => event.type === 'room_exit')!.duration_ms);
    expect(roomTime).toBeGreaterThanOrEqual(2500);
    expect(roomTime).toBeLessThanOrEqual(visit.elapsedMs);

    // The clicks reach the counter in the page's last metric export, made as it is left.
    const pageSaid = `tracker notes: [${visit.trackerNotes.join('; ')}]; failed requests: [${visit.failedRequests.join(', ')}]`;
    for (const [index, object] of CLICKED.entries()) {
      await expect
        .poll(() => clicksOf(object), { timeout: 15_000, message: `clicks of ${object} in the browser counter; ${pageSaid}` })
        .toBe(before[index]! + 1);
    }
  }

  it('stores the same visit from spans, and counts clicks in the browser events counter', async () => {
    await expectVisitKept();
  });

  it('keeps the exports made as the page is left while the service answers late', async () => {
    // The last exports need a CORS preflight first (the metrics' first of the visit); with the
    // service paused for a second, both wait on it. The visitor's browser must still deliver them.
    await expectVisitKept(async (goAway) => {
      process.kill(ingest.pid, 'SIGSTOP');
      try {
        await goAway();
        await new Promise((resolve) => setTimeout(resolve, 1000));
      } finally {
        process.kill(ingest.pid, 'SIGCONT');
      }
    });
  });
});
