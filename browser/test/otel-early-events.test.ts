import type { Browser, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from './support/demo.js';
import { journeyLines } from './support/event-lines.js';
import { waitForStoredEvents, type RunningIngest } from './support/ingest.js';
import { startOtelDemoStack, type OtelDemoStack } from './support/otel-demo-stack.js';

// A visitor who leaves a page before its OpenTelemetry tier has loaded (a slow network holds the
// tier's chunk: the test double here is the network's delay, nothing of ours): that page cannot
// send, so it keeps its events for the tab's next page, which sends them with its own.
describe('the OpenTelemetry tier, a page left before it loaded', () => {
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

  it("is sent by the tab's next page, each event once", async () => {
    const page = await browser.newPage();
    let holdTier = true;
    const held: Route[] = [];
    await page.route('**/*.js', async (route) => {
      const response = await route.fetch();
      const body = await response.text();
      // The tier's chunk is the one that knows the OTLP paths.
      if (holdTier && body.includes('/v1/traces')) held.push(route);
      else await route.fulfill({ response, body });
    });
    await page.goto(`${demo.url}/`);
    await expect.poll(() => page.textContent('h1')).toContain('Ada');
    await expect.poll(() => held.length).toBe(1);
    const session = await page.evaluate(() => sessionStorage.getItem('footfall')?.split('.')[0] ?? '');

    // A new document, not a route change: the first page is gone with its tier never loaded.
    holdTier = false;
    await page.goto(`${demo.url}/about`);
    await expect.poll(() => page.textContent('#page h1')).toBe('About');
    // The tier has started once its fetch instrumentation wrapped fetch (the saved events are
    // replayed in the same task).
    await page.waitForFunction(() => typeof (fetch as { __original?: unknown }).__original === 'function');
    // Requests stop going through the test's hands: Chromium drops a leaving page's keepalive
    // sends that an interception still holds. The page stays open (closed with the browser):
    // closing it would drop its sends under way.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.goto('about:blank');

    const events = await waitForStoredEvents(ingest.url, session, 4);
    expect(journeyLines(events)).toEqual(['page_view /', 'page_view /about', 'time_spent /', 'time_spent /about']);
    expect(new Set(events.map((event) => event.source))).toEqual(new Set(['otlp']));
  });
});
