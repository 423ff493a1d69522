/**
 * `npm run bench:browser`: in headless Chromium, the main-thread cost of one tracked event for
 * tier 1 (beacons) and tier 2 (OpenTelemetry), beside a baseline measured in the same page (the
 * least any tracker must do: build the event object and serialise it), and the size of each
 * build, minified and gzipped. Prints figures; asserts nothing.
 */
import type { Page } from 'playwright-core';
import { buildAll } from '../scripts/build.js';
import { distDir } from '../scripts/bundles.js';
import { launchChromium } from '../test/support/chromium.js';
import { startBenchServer } from './page-server.js';
import { bundleSize } from './sizes.js';

/** Events timed one by one, after a warm-up; every batch of 20 the page gets a moment to send. */
const EVENTS = 4000;
const WARM_UP_EVENTS = 1000;
const PAUSE_EVERY = 20;
const PAUSE_MS = 5;

const pages = {
  '/tier1.html': `<!doctype html><script src="/footfall.js" data-site="portfolio" data-endpoint="/v1/beacon"></script>`,
  '/tier2.html': `<!doctype html><script type="module">
    import { init, trackObjectClick } from '/esm/index.js';
    init({ site: 'portfolio', mode: 'otel', collectorUrl: location.origin });
    window.footfall = { trackObjectClick };
  </script>`,
  '/baseline.html': `<!doctype html><script>
    const sent = [];
    window.footfall = { trackObjectClick: (object, room) => { sent.push(JSON.stringify({ id: String(Math.random()), type: 'object_click', ts: Date.now(), session: 's', path: location.pathname, object, room })); if (sent.length > 20) sent.length = 0; } };
  </script>`,
};

interface Figures {
  median: number;
  p99: number;
  /** All time spent over all events, batch sends included. */
  mean: number;
}

/**
 * Times each `trackObjectClick` on its own (cross-origin isolation gives performance.now() a
 * resolution of a few microseconds), at a pace a page could produce: a pause every 20 events
 * lets the browser send, as it would between a visitor's clicks. Runs in the page as a string:
 * the bundler's helpers must not leak into it.
 */
async function measure(page: Page): Promise<Figures> {
  const costs = (await page.evaluate(`(async () => {
    const track = window.footfall.trackObjectClick;
    const pause = () => new Promise((resolve) => setTimeout(resolve, ${PAUSE_MS}));
    for (let index = 0; index < ${WARM_UP_EVENTS}; index++) {
      track('guitar', 'studio');
      if (index % ${PAUSE_EVERY} === 0) await pause();
    }
    const costs = [];
    for (let index = 0; index < ${EVENTS}; index++) {
      const start = performance.now();
      track('guitar', 'studio');
      costs.push(performance.now() - start);
      if (index % ${PAUSE_EVERY} === ${PAUSE_EVERY - 1}) await pause();
    }
    return costs;
  })()`)) as number[];
  const mean = costs.reduce((sum, cost) => sum + cost, 0) / costs.length;
  costs.sort((a, b) => a - b);
  const at = (quantile: number) => costs[Math.min(costs.length - 1, Math.floor(quantile * costs.length))]!;
  return { median: at(0.5), p99: at(0.99), mean };
}

async function main(): Promise<void> {
  await buildAll();
  const server = await startBenchServer(distDir, pages);
  const browser = await launchChromium();
  try {
    const open = async (path: string) => {
      const page = await browser.newPage();
      await page.goto(`${server.url}${path}`);
      await page.waitForFunction(
        () =>
          'footfall' in window &&
          typeof (window as unknown as { footfall?: { trackObjectClick?: unknown } }).footfall?.trackObjectClick === 'function',
      );
      const isolated = await page.evaluate(() => crossOriginIsolated);
      return { page, isolated };
    };
    const baseline = await open('/baseline.html');
    const tier1 = await open('/tier1.html');
    const tier2 = await open('/tier2.html');
    // The OpenTelemetry tier loads once the page is idle; measure only once it is there.
    await tier2.page.waitForFunction(() => performance.getEntriesByType('resource').some((entry) => entry.name.endsWith('/esm/otel.js')));
    await tier2.page.waitForTimeout(500);

    const results = {
      baseline: await measure(baseline.page),
      tier1: await measure(tier1.page),
      tier2: await measure(tier2.page),
    };
    const sizes = await Promise.all([
      bundleSize('tier 1, script tag core (footfall.js)', `${distDir}/footfall.js`),
      bundleSize('tier 1, script tag lazy part (footfall-extra.js)', `${distDir}/footfall-extra.js`),
      bundleSize('tier 1, ESM entry (esm/index.js)', `${distDir}/esm/index.js`),
      bundleSize('three.js adapter (esm/three.js, three excluded)', `${distDir}/esm/three.js`),
      bundleSize('tier 2, full OpenTelemetry bundle (esm/otel.js)', `${distDir}/esm/otel.js`),
    ]);

    const ms = (value: number) => `${value.toFixed(4)} ms`;
    console.log(
      `\nmain-thread cost per tracked event (Chromium ${browser.version()}, ${EVENTS} events each timed alone, timers ${tier1.isolated ? 'cross-origin isolated' : 'coarse (not isolated)'})`,
    );
    console.log(
      `  ${'what'.padEnd(34)}${'median'.padStart(12)}${'p99'.padStart(12)}${'mean'.padStart(12)}${'mean / baseline'.padStart(18)}`,
    );
    for (const [name, figures] of [
      ['baseline (build + serialise)', results.baseline],
      ['tier 1 (beacons)', results.tier1],
      ['tier 2 (OpenTelemetry span+count)', results.tier2],
    ] as const) {
      console.log(
        `  ${name.padEnd(34)}${ms(figures.median).padStart(12)}${ms(figures.p99).padStart(12)}${ms(figures.mean).padStart(12)}${`${(figures.mean / results.baseline.mean).toFixed(1)}x`.padStart(18)}`,
      );
    }
    console.log(
      `  targets: tier 1 median < 0.05 ms, tier 2 median < 0.5 ms; the mean includes each batch's send (one per 20 events); requests received: ${server.received()}`,
    );

    const full = sizes[4]!;
    console.log('\nbuild sizes');
    console.log(`  ${'build'.padEnd(50)}${'minified'.padStart(10)}${'gzipped'.padStart(10)}${'of full OTel'.padStart(14)}`);
    for (const size of sizes) {
      console.log(
        `  ${size.name.padEnd(50)}${`${size.minified} B`.padStart(10)}${`${size.gzipped} B`.padStart(10)}${`${((100 * size.gzipped) / full.gzipped).toFixed(1)} %`.padStart(14)}`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
