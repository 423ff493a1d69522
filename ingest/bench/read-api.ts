import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { configWith } from '../src/config.js';
import { RANGE_NAMES } from '../src/stats/range.js';
import { readStats } from '../src/stats/stats.js';

// `npx tsx ingest/bench/read-api.ts`: /api/stats for every range and /api/funnel on a million
// stored events (embedded ClickHouse), answered through the whole HTTP stack (app.inject). Prints
// the median and the slowest of several runs, and each as a multiple of two baselines measured in
// the same run: one `count()` over the same rows, the cheapest scan the engine can do; and for
// /api/stats the same summary read from raw events only (what it cost before the rollups), its
// runs taken in turn with the request's so both see the same load. The write side: the same rows
// stored again into a copy of `events` that feeds no rollup, so the rollups' cost at insert shows
// as a ratio too.

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_MS = 200;

// A busy day: EVENTS events over the last 23 hours (inside every range from 24h up), ten per
// visit, three visits per visitor; page views on 12 paths with referrers, the room's objects
// seen and clicked, devices, browsers, countries and a few campaigns.
const insertEvents = (
  table: string,
) => `INSERT INTO ${table} (site, type, ts, event_id, session_id, visitor_id, source, path, referrer_host,
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
      FROM (SELECT number AS n FROM numbers({events:UInt64}))`;

const dataDir = mkdtempSync(join(tmpdir(), 'footfall-read-bench-'));
const app = await buildApp(configWith({ dataDir, logLevel: 'warn', apiRateLimitPerMinute: 0 }));
await app.ready();

try {
  const started = performance.now();
  await app.clickhouse.command({ query: insertEvents('events'), query_params: { events: EVENTS } });
  const storeSeconds = (performance.now() - started) / 1000;
  await app.clickhouse.command({ query: 'CREATE TABLE events_without_rollups AS events' });
  const bareStarted = performance.now();
  await app.clickhouse.command({ query: insertEvents('events_without_rollups'), query_params: { events: EVENTS } });
  const bareSeconds = (performance.now() - bareStarted) / 1000;
  await app.clickhouse.command({ query: 'DROP TABLE events_without_rollups' });
  console.log(
    `stored ${EVENTS.toLocaleString('en')} events in ${storeSeconds.toFixed(1)} s; into a copy of events that feeds no rollup ${bareSeconds.toFixed(1)} s ` +
      `(the rollups cost ${(storeSeconds / bareSeconds).toFixed(2)}x at insert)`,
  );

  /** Runs the works in turn, RUNS times after a warm-up, so load that comes and goes falls on each alike; median and slowest of each. */
  const timeInTurn = async (works: ReadonlyArray<() => Promise<unknown>>) => {
    for (const work of works) await work(); // warm-up: caches and the first read of each part
    const times = works.map(() => [] as number[]);
    for (let run = 0; run < RUNS; run += 1) {
      for (const [index, work] of works.entries()) {
        const start = performance.now();
        await work();
        times[index]!.push(performance.now() - start);
      }
    }
    return times.map((list) => {
      list.sort((a, b) => a - b);
      return { median: list[Math.floor(list.length / 2)]!, slowest: list.at(-1)! };
    });
  };
  // Summaries are reused for one interval (StatsFeed); each run here measures a computation.
  const inject = (url: string) => async () => {
    app.statsFeed.forget();
    const response = await app.inject(url);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response;
  };
  const countAll = async () => {
    const result = await app.clickhouse.query({ query: "SELECT count() FROM events WHERE site = 'portfolio'", format: 'JSONEachRow' });
    return result.json();
  };
  const site = app.catalog.sites.get('portfolio')!;

  interface Row {
    request: string;
    median: number;
    slowest: number;
    count: number;
    /** The summary computed without HTTP, through the rollups and from raw events only. */
    summary?: { rollups: number; raw: number };
  }
  const rows: Row[] = [];
  for (const range of RANGE_NAMES) {
    const [request, count, rollups, raw] = await timeInTurn([
      inject(`/api/stats?range=${range}`),
      countAll,
      () => readStats(app.clickhouse, site, range, [], {}, { rollups: true }),
      () => readStats(app.clickhouse, site, range, [], {}, { rollups: false }),
    ]);
    rows.push({
      request: `/api/stats?range=${range}`,
      ...request!,
      count: count!.median,
      summary: { rollups: rollups!.median, raw: raw!.median },
    });
  }
  for (const range of ['24h', '30d']) {
    const url = `/api/funnel?range=${range}&step=page_view:/&step=room_enter&step=object_click:guitar`;
    const [request, count] = await timeInTurn([inject(url), countAll]);
    rows.push({ request: url, ...request!, count: count!.median });
  }

  console.log(
    `\nbaselines, each measured in turn with its request: count() over the ${EVENTS.toLocaleString('en')} rows; ` +
      'the summary alone (no HTTP) through the rollups and from raw events only\n',
  );
  console.log(
    '| request | median ms | slowest ms | count() ms | median / count() | summary, rollups ms | summary, raw only ms | rollups / raw only |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    const summary = row.summary
      ? `${row.summary.rollups.toFixed(0)} | ${row.summary.raw.toFixed(0)} | ${(row.summary.rollups / row.summary.raw).toFixed(2)}x`
      : ' | | ';
    console.log(
      `| \`${row.request}\` | ${row.median.toFixed(0)} | ${row.slowest.toFixed(0)} | ${row.count.toFixed(1)} | ${(row.median / row.count).toFixed(1)}x | ${summary} |`,
    );
  }
  const over = rows.filter((row) => row.median > TARGET_MS);
  console.log(
    over.length === 0 ? `\nevery median under ${TARGET_MS} ms` : `\nover ${TARGET_MS} ms: ${over.map((row) => row.request).join(', ')}`,
  );
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
