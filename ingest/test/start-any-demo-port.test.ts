// `npm start` on a demo port the catalog does not list, in every tracker mode: the demo's origin is
// added to the catalog the service runs with, so a visit in real Chromium is stored (before, the
// OTLP requests of another port were blocked by CORS, silently).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ingestMetric, repoRoot, startProcess, storedEvents, type ManagedProcess, type StoredEvent } from '@footfall/stack';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../browser/test/support/chromium.js';

const START_TIMEOUT_MS = 180_000;

/** `npm start` as a user runs it, on its own ports and data folder. */
async function npmStart(mode: string, dataDir: string): Promise<{ process: ManagedProcess; ingestUrl: string; demoUrl: string }> {
  const ingestPort = await freePort();
  const demoPort = await freePort([ingestPort]);
  const demoUrl = `http://127.0.0.1:${demoPort}`;
  const process_ = await startProcess({
    name: `npm start (${mode})`,
    file: process.execPath,
    args: ['--import', 'tsx', join(repoRoot, 'scripts/start.ts')],
    cwd: repoRoot,
    env: {
      PORT: String(ingestPort),
      DEMO_PORT: String(demoPort),
      DEMO_TRACKER_MODE: mode,
      DATA_DIR: dataDir,
      CATALOG_FILE: undefined,
      COLLECTOR_URL: undefined,
      BATCH_INTERVAL_MS: '200',
      LOG_LEVEL: 'warn',
    },
    logFile: join(dataDir, 'start.log'),
    // The demo is served once the ingest service is ready.
    healthUrl: `${demoUrl}/`,
    readyTimeoutMs: START_TIMEOUT_MS,
  });
  return { process: process_, ingestUrl: `http://127.0.0.1:${ingestPort}`, demoUrl };
}

/**
 * The tracker loads its OpenTelemetry tier lazily, once the page is first idle (up to 2 s after
 * load), keeps the events recorded before it in memory, and its spans go out in batches. A quick
 * visit on a busy machine left before the tier had loaded or sent anything, and those events
 * never came: the flakiness of this test under load (holding the tier's chunk back 3 s fails it).
 * The visit stays until the tier has sent its first batch of spans (a finished request to
 * /v1/traces in the page's resource timing), as a real visit of a few seconds does.
 */
async function untilOpenTelemetrySent(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).some(
      (entry) => new URL(entry.name).pathname === '/v1/traces' && entry.responseEnd > 0,
    ),
  );
}

/** Home, then About through the menu, then away (the tracker sends what is left on pagehide). */
async function visit(browser: Browser, demoUrl: string, mode: string) {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${demoUrl}/`);
  await expect.poll(() => page.textContent('h1')).toContain('Ada');
  await page.click('nav a[href="/about"]');
  await expect.poll(() => page.textContent('#page h1')).toBe('About');
  if (mode !== 'beacon') await untilOpenTelemetrySent(page);
  const session = await page.evaluate(() => sessionStorage.getItem('footfall')?.split('.')[0] ?? '');
  // The page stays open (closed with the browser): closing it would drop its sends still under way.
  await page.goto('about:blank');
  return { session, problems };
}

const pageViewsBySource = (events: StoredEvent[]) => {
  const out: Record<string, string[]> = {};
  for (const event of events) if (event.type === 'page_view') (out[event.source] ??= []).push(event.path);
  for (const paths of Object.values(out)) paths.sort();
  return out;
};

/**
 * What the service holds of the visit. In mode `both` every event comes twice, as a beacon and as
 * a span with the same id, and is stored once: the other copy is counted as a duplicate, so
 * "every event arrived both ways" is duplicates == stored events (the service saw only this visit).
 */
async function whatArrived(ingestUrl: string, session: string, mode: string) {
  const events = await storedEvents(ingestUrl, session);
  if (mode !== 'both') return { pageViews: pageViewsBySource(events) };
  const duplicates = await ingestMetric(ingestUrl, 'footfall_events_duplicate_total', {});
  return {
    pageViews: events
      .filter((event) => event.type === 'page_view')
      .map((event) => event.path)
      .sort(),
    everyEventTwice: duplicates === events.length,
  };
}

describe('npm start on a demo port the catalog does not list', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const modes = [
    ['beacon', { pageViews: { beacon: ['/', '/about'] } }],
    ['otel', { pageViews: { otlp: ['/', '/about'] } }],
    ['both', { pageViews: ['/', '/about'], everyEventTwice: true }],
  ] as const;
  for (const [mode, expected] of modes) {
    it(`stores a visit in tracker mode ${mode}, with no request blocked`, { timeout: START_TIMEOUT_MS + 60_000 }, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), `footfall-start-${mode}-`));
      let started: Awaited<ReturnType<typeof npmStart>> | undefined;
      try {
        started = await npmStart(mode, dataDir);
        const catalog = JSON.parse(readFileSync(join(dataDir, 'demo-catalog.json'), 'utf8')) as {
          sites: Array<{ id: string; origins: string[] }>;
        };
        expect(catalog.sites.find((site) => site.id === 'portfolio')!.origins).toContain(started.demoUrl);

        const { session, problems } = await visit(browser, started.demoUrl, mode);
        expect(session).not.toBe('');
        const { ingestUrl } = started;
        await expect.poll(() => whatArrived(ingestUrl, session, mode), { timeout: 30_000, interval: 500 }).toEqual(expected);
        expect(problems).toEqual([]);
      } finally {
        await started?.process.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
