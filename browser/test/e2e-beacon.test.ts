import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startDemo, type Demo } from './support/demo.js';
import { journeyLines } from './support/event-lines.js';
import { freePort, startIngest, waitForStoredEvents, type RunningIngest } from './support/ingest.js';
import { CLICKED, expectedEventLines, visitDemo } from './support/visit.js';

// Real Chromium on the built demo, beacons to the real ingest service on embedded ClickHouse.
describe('demo portfolio -> beacons -> ingest service', () => {
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

  it('stores exactly the visit: types, objects, one session and plausible visible time', async () => {
    const visit = await visitDemo(browser, demo.url);
    expect(visit.pageErrors).toEqual([]);
    expect(visit.session).toMatch(/^[A-Za-z0-9_-]{8,64}$/);

    const expected = expectedEventLines();
    const events = await waitForStoredEvents(ingest.url, visit.session, expected.length);
    expect(journeyLines(events)).toEqual(expected);
    expect(new Set(events.map((event) => event.source))).toEqual(new Set(['beacon']));
    expect(new Set(events.map((event) => event.session_id))).toEqual(new Set([visit.session]));

    const durations = events
      .filter((event) => event.type === 'time_spent' || event.type === 'room_exit')
      .map((event) => Number(event.duration_ms));
    for (const duration of durations) {
      expect(duration).toBeGreaterThan(0);
      expect(duration).toBeLessThanOrEqual(visit.elapsedMs);
    }
    const roomTime = Number(events.find((event) => event.type === 'room_exit')!.duration_ms);
    expect(roomTime).toBeGreaterThanOrEqual(2500);
    const pageTime = events.filter((event) => event.type === 'time_spent').reduce((sum, event) => sum + Number(event.duration_ms), 0);
    expect(pageTime).toBeLessThanOrEqual(visit.elapsedMs);
    expect(pageTime).toBeGreaterThanOrEqual(roomTime);

    const stats = (await (await fetch(`${ingest.url}/api/stats?range=1h&site=portfolio`)).json()) as {
      events_by_type: Record<string, number>;
      top_objects: { object: string; clicks: number }[];
      never_clicked: string[];
    };
    expect(stats.events_by_type.object_click).toBe(CLICKED.length);
    expect(stats.events_by_type.object_view).toBe(8);
    expect(stats.top_objects.map((entry) => entry.object).sort()).toEqual([...CLICKED].sort());
    expect(stats.never_clicked.sort()).toEqual(['bookshelf', 'camera', 'desk-lamp', 'poster', 'record-player']);
  });
});
