// The tracker's fallback for real: in Chromium without navigator.sendBeacon, every event of a
// visit must reach the real ingest service through fetch with keepalive, the last ones while the
// page is being left.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startDemo, type Demo } from './support/demo.js';
import { journeyLines } from './support/event-lines.js';
import { freePort, startIngest, waitForStoredEvents, type RunningIngest } from './support/ingest.js';
import { expectedEventLines, visitDemo } from './support/visit.js';

describe('demo portfolio in a browser without sendBeacon -> fetch(keepalive) -> ingest service', () => {
  let ingest: RunningIngest;
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    demo = await startDemo({ mode: 'beacon', beaconUrl: `http://127.0.0.1:${port}/v1/beacon` });
    [ingest, browser] = await Promise.all([startIngest({ port, origins: [demo.url] }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await ingest?.stop();
  });

  it('stores exactly the visit, every event sent by the fallback', async () => {
    const visit = await visitDemo(browser, demo.url, { withoutSendBeacon: true });
    expect(visit.pageErrors).toEqual([]);
    expect(visit.consoleErrors).toEqual([]);
    // Nothing was given up: the debug log names every event the tracker could not send.
    expect(visit.trackerNotes).toEqual([]);

    const expected = expectedEventLines();
    const events = await waitForStoredEvents(ingest.url, visit.session, expected.length);
    expect(journeyLines(events)).toEqual(expected);
    expect(new Set(events.map((event) => event.source))).toEqual(new Set(['beacon']));
  });
});
