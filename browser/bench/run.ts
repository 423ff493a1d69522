/**
 * `npm run bench:browser`: in headless Chromium, the main-thread cost of one tracked event for
 * tier 1 (beacons) and tier 2 (OpenTelemetry), beside a baseline measured in the same page (the
 * least any tracker must do: build the event object and serialise it), and the size of each
 * build, minified and gzipped. Prints figures; asserts nothing.
 *
 * Sends are counted wherever they run. The tracker sends a full batch in a task of its own, not
 * in the call that filled it: each page wraps `setTimeout` before any other script runs, so every
 * callback the page schedules (the tracker's sends; in tier 2 also the OpenTelemetry SDK's export
 * timers) is timed as a task of its own, and the bench prints the cost per event with those tasks
 * spread over the events that caused them.
 */
import type { Page } from 'playwright-core';
import { buildAll } from '../scripts/build.js';
import { distDir } from '../scripts/bundles.js';
import { launchChromium } from '../test/support/chromium.js';
import { startBenchServer } from './page-server.js';
import { bundleSize } from './sizes.js';

/** Events each page makes, in bursts of 20, before any is timed. */
const WARM_UP_EVENTS = 1000;

/**
 * Two paces, each event timed alone. In bursts of 20 (a batch) with a pause for the send between
 * them, the page's caches stay warm. One at a time with a pause after each, as a visitor's clicks
 * come, every event finds them cold: storage written with each event cost ten times as much
 * there, which the bursts hid.
 */
const PACES = [
  { name: 'in bursts of 20, 5 ms apart', events: 4000, every: 20, pauseMs: 5 },
  { name: 'one at a time, 3 ms apart', events: 1000, every: 1, pauseMs: 3 },
] as const;
type Pace = (typeof PACES)[number];

/**
 * Runs first in every page: each `setTimeout` callback is timed, from its start to its return
 * (the synchronous part: a send by `sendBeacon` or `fetch`, or a body handed to a worker, is
 * handed over there), into `benchTasks`; each message a worker sends the page (the tracker's
 * worker says which request it has started) is timed into `benchMessages`, main-thread work too.
 * The bench's own pauses use the browser's `setTimeout`, kept as `benchSetTimeout`, so they are
 * not counted.
 */
const timeTasks = `<script>
  window.benchTasks = [];
  window.benchMessages = [];
  const timed = (into, callback, args) => {
    const start = performance.now();
    try { return callback(...args); } finally { into.push(performance.now() - start); }
  };
  window.benchSetTimeout = setTimeout.bind(window);
  window.setTimeout = (callback, delay, ...args) => benchSetTimeout(() => timed(benchTasks, callback, args), delay);
  const onmessage = Object.getOwnPropertyDescriptor(Worker.prototype, 'onmessage');
  Object.defineProperty(Worker.prototype, 'onmessage', {
    ...onmessage,
    set(callback) { onmessage.set.call(this, callback && ((...args) => timed(benchMessages, callback, args))); },
  });
</script>`;

const pages = {
  '/tier1.html': `<!doctype html>${timeTasks}<script src="/footfall.js" data-site="portfolio" data-endpoint="/v1/beacon"></script>`,
  '/tier2.html': `<!doctype html>${timeTasks}<script type="module">
    import { init, trackObjectClick } from '/esm/index.js';
    init({ site: 'portfolio', mode: 'otel', collectorUrl: location.origin });
    window.footfall = { trackObjectClick };
  </script>`,
  '/baseline.html': `<!doctype html>${timeTasks}<script>
    const sent = [];
    window.footfall = { trackObjectClick: (object, room) => { sent.push(JSON.stringify({ id: String(Math.random()), type: 'object_click', ts: Date.now(), session: 's', path: location.pathname, object, room })); if (sent.length > 20) sent.length = 0; } };
  </script>`,
};

/** Median, 99th percentile and mean of some costs in milliseconds. */
interface Spread {
  median: number;
  p99: number;
  mean: number;
  count: number;
}

interface Figures {
  /** Each `trackObjectClick` call alone. */
  calls: Spread;
  /** Each task the page ran from a timer while the events were made: the sends. */
  tasks: Spread;
  /** Each message from a worker the page handled meanwhile (the tracker's worker confirming its requests). */
  messages: Spread;
  /**
   * The calls, the send tasks and the worker's messages together, each a stretch of main-thread
   * work the page sees: the p99 with sends included (issue 30's figure). One task per 20 events is
   * 5 % of them, so the sends' own cost decides it.
   */
  all: Spread;
  /** All main-thread time the events cost, their calls and the tasks they caused, per event. */
  perEvent: number;
}

function spread(costs: number[]): Spread {
  const sorted = [...costs].sort((a, b) => a - b);
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? 0;
  const mean = sorted.length ? sorted.reduce((sum, cost) => sum + cost, 0) / sorted.length : 0;
  return { median: at(0.5), p99: at(0.99), mean, count: sorted.length };
}

/**
 * Times each `trackObjectClick` on its own (cross-origin isolation gives performance.now() a
 * resolution of a few microseconds) at `pace`; the pauses let the browser send, as it would
 * between a visitor's clicks. The timer tasks that ran from the first timed event until a moment
 * after the last (so the last batch's send is in) are the sends. Runs in the page as a string:
 * the bundler's helpers must not leak into it.
 */
async function measure(page: Page, pace: Pace): Promise<Figures> {
  const { calls, tasks, messages } = (await page.evaluate(`(async () => {
    const track = window.footfall.trackObjectClick;
    const pause = (ms) => new Promise((resolve) => benchSetTimeout(resolve, ms));
    await pause(50);
    benchTasks.length = 0;
    benchMessages.length = 0;
    const calls = [];
    for (let index = 0; index < ${pace.events}; index++) {
      const start = performance.now();
      track('guitar', 'studio');
      calls.push(performance.now() - start);
      if (index % ${pace.every} === ${pace.every - 1}) await pause(${pace.pauseMs});
    }
    await pause(50);
    return { calls, tasks: benchTasks.slice(), messages: benchMessages.slice() };
  })()`)) as { calls: number[]; tasks: number[]; messages: number[] };
  const all = [...calls, ...tasks, ...messages];
  const total = all.reduce((sum, cost) => sum + cost, 0);
  return { calls: spread(calls), tasks: spread(tasks), messages: spread(messages), all: spread(all), perEvent: total / calls.length };
}

/** The first events of a page run colder than the rest: made, untimed, before any pace. */
async function warmUp(page: Page): Promise<void> {
  await page.evaluate(`(async () => {
    for (let index = 0; index < ${WARM_UP_EVENTS}; index++) {
      window.footfall.trackObjectClick('guitar', 'studio');
      if (index % 20 === 0) await new Promise((resolve) => benchSetTimeout(resolve, 5));
    }
  })()`);
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
    // The OpenTelemetry tier loads once the page is idle, the script tag's lazy part (and the
    // worker it sends from) once the page has loaded; measure only once they are there.
    await tier2.page.waitForFunction(() => performance.getEntriesByType('resource').some((entry) => entry.name.endsWith('/esm/otel.js')));
    await tier1.page.waitForFunction(() =>
      performance.getEntriesByType('resource').some((entry) => entry.name.endsWith('/footfall-extra.js')),
    );
    await tier2.page.waitForTimeout(500);

    const tabs = { baseline, tier1, tier2 };
    for (const { page } of Object.values(tabs)) await warmUp(page);
    const results: Array<{ pace: Pace; figures: Record<keyof typeof tabs, Figures> }> = [];
    for (const pace of PACES) {
      results.push({
        pace,
        figures: {
          baseline: await measure(baseline.page, pace),
          tier1: await measure(tier1.page, pace),
          tier2: await measure(tier2.page, pace),
        },
      });
    }
    const sizes = await Promise.all([
      bundleSize('tier 1, script tag core (footfall.js)', `${distDir}/footfall.js`),
      bundleSize('tier 1, script tag lazy part (footfall-extra.js)', `${distDir}/footfall-extra.js`),
      bundleSize('tier 1, script tag worker (footfall-worker.js)', `${distDir}/footfall-worker.js`),
      bundleSize('tier 1, ESM entry (esm/index.js)', `${distDir}/esm/index.js`),
      bundleSize('three.js adapter (esm/three.js, three excluded)', `${distDir}/esm/three.js`),
      bundleSize('tier 2, full OpenTelemetry bundle (esm/otel.js)', `${distDir}/esm/otel.js`),
    ]);

    const ms = (value: number) => `${value.toFixed(4)} ms`;
    console.log(
      `\nmain-thread cost per tracked event (Chromium ${browser.version()}, each event timed alone, timers ${tier1.isolated ? 'cross-origin isolated' : 'coarse (not isolated)'})`,
    );
    for (const { pace, figures: paced } of results) {
      console.log(`\n  ${pace.events} events ${pace.name}`);
      console.log(
        `  ${'what'.padEnd(34)}${'call median'.padStart(13)}${'call p99'.padStart(11)}${'sends'.padStart(7)}${'send median'.padStart(13)}${'send p99'.padStart(11)}${'p99, sends included'.padStart(21)}${'per event, sends included'.padStart(27)}${'/ baseline'.padStart(12)}`,
      );
      for (const [name, figures] of [
        ['baseline (build + serialise)', paced.baseline],
        ['tier 1 (beacons)', paced.tier1],
        ['tier 2 (OpenTelemetry span+count)', paced.tier2],
      ] as const) {
        console.log(
          `  ${name.padEnd(34)}${ms(figures.calls.median).padStart(13)}${ms(figures.calls.p99).padStart(11)}${String(figures.tasks.count).padStart(7)}${ms(figures.tasks.median).padStart(13)}${ms(figures.tasks.p99).padStart(11)}${ms(figures.all.p99).padStart(21)}${ms(figures.perEvent).padStart(27)}${`${(figures.perEvent / paced.baseline.perEvent).toFixed(1)}x`.padStart(12)}`,
        );
        const { messages } = figures;
        if (messages.count)
          console.log(`    its worker's messages: ${messages.count}, median ${ms(messages.median)}, p99 ${ms(messages.p99)}`);
      }
    }
    console.log(
      '\n  call: one trackObjectClick alone; send: a timer task of the page while the events were made (the tracker sends a full batch in a task of its own, one per 20 events, and hands it to its worker in another; in tier 2 the OpenTelemetry SDK exports from its timers); p99, sends included: of the calls, the send tasks and the messages of a worker together (a worker that sends the batches says which request it has started); per event, sends included: all of them together over the events',
    );
    console.log(
      `  targets: tier 1 call median < 0.05 ms and call p99 < 0.5 ms, p99 with sends included < 0.5 ms, tier 2 call median < 0.5 ms; requests received: ${server.received()}`,
    );

    const full = sizes[5]!;
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
