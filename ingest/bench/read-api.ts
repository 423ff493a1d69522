import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { configWith } from '../src/config.js';
import { RANGE_NAMES } from '../src/stats/range.js';

// `npx tsx ingest/bench/read-api.ts`: /api/stats for every range and /api/funnel on a million
// stored events (embedded ClickHouse), answered through the whole HTTP stack (app.inject). Prints
// the median and the slowest of several runs, and each as a multiple of a baseline measured in
// the same run: one `count()` over the same rows, the cheapest scan the engine can do.

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_MS = 200;

const dataDir = mkdtempSync(join(tmpdir(), 'footfall-read-bench-'));
const app = await buildApp(configWith({ dataDir, logLevel: 'warn', apiRateLimitPerMinute: 0 }));
await app.ready();

try {
  // A busy day: EVENTS events over the last 23 hours (inside every range from 24h up), ten per
  // visit, three visits per visitor; page views on 12 paths with referrers, the room's objects
  // seen and clicked, devices, browsers, countries and a few campaigns.
  const started = performance.now();
  await app.clickhouse.command({
    query: `INSERT INTO events (site, type, ts, event_id, session_id, visitor_id, source, path, referrer_host,
                                utm_source, utm_medium, utm_campaign, object_id, room_id, device, browser, os, country, received_at)
      SELECT 'portfolio',
             ['page_view', 'page_view', 'page_view', 'room_enter', 'object_view', 'object_view', 'object_click', 'navigation', 'time_spent', 'room_exit'][n % 10 + 1] AS type,
             now64(3) - toIntervalMillisecond(intDiv(n, 10) * 828 + (9 - n % 10) * 60) AS ts,
             concat('bench-', toString(n)), concat('s', toString(intDiv(n, 10))), concat('v', toString(intDiv(n, 30))), 'beacon',
             concat('/', ['', 'about', 'projects', 'contact', 'blog', 'blog/post-1', 'blog/post-2', 'cv', 'talks', 'uses', 'now', 'room'][(intDiv(n, 10) * 7 + n % 10) % 12 + 1]),
             if(type = 'page_view' AND n % 10 = 0, ['', 'news.ycombinator.com', 'www.google.com', 'github.com', 'localhost:5173'][intDiv(n, 10) % 5 + 1], ''),
             if(n % 10 = 0 AND intDiv(n, 10) % 17 = 0, 'newsletter', ''), if(n % 10 = 0 AND intDiv(n, 10) % 17 = 0, 'email', ''),
             if(n % 10 = 0 AND intDiv(n, 10) % 17 = 0, 'launch', ''),
             if(type IN ('object_view', 'object_click'), ['guitar', 'bookshelf', 'laptop', 'record-player', 'camera'][intDiv(n, 10) % 5 + 1], ''),
             if(type IN ('room_enter', 'room_exit', 'object_view', 'object_click'), 'studio', ''),
             ['desktop', 'mobile', 'tablet'][intDiv(n, 30) % 3 + 1], ['Chrome', 'Firefox', 'Safari', 'Edge'][intDiv(n, 30) % 4 + 1],
             ['Linux', 'Windows', 'macOS', 'iOS', 'Android'][intDiv(n, 30) % 5 + 1], ['DE', 'FR', 'US', 'GB', 'JP', 'BR'][intDiv(n, 30) % 6 + 1],
             now64(3)
      FROM (SELECT number AS n FROM numbers({events:UInt64}))`,
    query_params: { events: EVENTS },
  });
  console.log(`stored ${EVENTS.toLocaleString('en')} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const time = async (work: () => Promise<unknown>) => {
    await work(); // warm-up: caches and the first read of each part
    const times: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const start = performance.now();
      await work();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(times.length / 2)]!, slowest: times.at(-1)! };
  };
  // Summaries are reused for one interval (StatsFeed); each run here measures a computation.
  const inject = (url: string) => async () => {
    app.statsFeed.forget();
    const response = await app.inject(url);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response;
  };

  const baseline = await time(async () => {
    const result = await app.clickhouse.query({ query: "SELECT count() FROM events WHERE site = 'portfolio'", format: 'JSONEachRow' });
    return result.json();
  });
  const rows: Array<{ request: string; median: number; slowest: number }> = [];
  for (const range of RANGE_NAMES) rows.push({ request: `/api/stats?range=${range}`, ...(await time(inject(`/api/stats?range=${range}`))) });
  for (const range of ['24h', '30d']) {
    const url = `/api/funnel?range=${range}&step=page_view:/&step=room_enter&step=object_click:guitar`;
    rows.push({ request: url, ...(await time(inject(url))) });
  }

  console.log(`\nbaseline (count() over the ${EVENTS.toLocaleString('en')} rows): median ${baseline.median.toFixed(1)} ms\n`);
  console.log('| request | median ms | slowest ms | median / baseline |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(`| \`${row.request}\` | ${row.median.toFixed(0)} | ${row.slowest.toFixed(0)} | ${(row.median / baseline.median).toFixed(1)}x |`);
  }
  const over = rows.filter((row) => row.median > TARGET_MS);
  console.log(over.length === 0 ? `\nevery median under ${TARGET_MS} ms` : `\nover ${TARGET_MS} ms: ${over.map((row) => row.request).join(', ')}`);
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
