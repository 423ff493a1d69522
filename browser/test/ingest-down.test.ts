import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startDemo, type Demo } from './support/demo.js';
import { freePort } from './support/ingest.js';
import { visitDemo } from './support/visit.js';

// The analytics side is down: nothing listens where beacons and OTLP go (a real closed port).
// The visit (the same as in the end-to-end tests, which checks each step of the demo works) must
// go through, and the page must see no uncaught error: with sendBeacon, and with the fetch
// fallback of a browser that has none.
describe('demo portfolio with the ingest service stopped', () => {
  let demo: Demo;
  let browser: Browser;
  let deadEndpoint: string;

  beforeAll(async () => {
    deadEndpoint = `http://127.0.0.1:${await freePort()}`;
    demo = await startDemo({ mode: 'both', beaconUrl: `${deadEndpoint}/v1/beacon`, collectorUrl: deadEndpoint });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('still works, and the console shows no uncaught error', async () => {
    const visit = await visitDemo(browser, demo.url);
    expect(visit.pageErrors).toEqual([]);
    expect(visit.consoleErrors.filter((text) => /uncaught/i.test(text))).toEqual([]);
    // The only console errors are the browser's own notes about refused connections.
    for (const text of visit.consoleErrors) expect(text).toMatch(/Failed to load resource|ERR_CONNECTION_REFUSED/);
    // The tracker did try: the test is not passing because nothing was sent.
    expect(visit.failedRequests.some((url) => url.startsWith(deadEndpoint))).toBe(true);
  });

  it('swallows the failures of the fetch(keepalive) fallback too, in a browser without sendBeacon', async () => {
    const visit = await visitDemo(browser, demo.url, { withoutSendBeacon: true });
    expect(visit.pageErrors).toEqual([]);
    expect(visit.consoleErrors.filter((text) => /uncaught/i.test(text))).toEqual([]);
    for (const text of visit.consoleErrors) expect(text).toMatch(/Failed to load resource|ERR_CONNECTION_REFUSED/);
    // The fallback ran against the closed port and its rejection went through the tracker's one
    // \`ignored\` path (logged in debug mode), not to the page.
    expect(visit.failedRequests.some((url) => url === `${deadEndpoint}/v1/beacon`)).toBe(true);
    expect(visit.trackerNotes.some((text) => text.startsWith('footfall send'))).toBe(true);
  });
});
