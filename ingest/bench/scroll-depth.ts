import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { configWith } from '../src/config.js';
import { LIST_QUERIES } from '../src/stats/event-lists.js';

// `npx tsx ingest/bench/scroll-depth.ts`: the pages' reading figures (page_engagement) over 30 days
// of a million stored events, read from the `scroll_depth` column (migration 0030) and, as before
// it, from the props map, in turn in the same run so both see the same load; median and slowest of
// RUNS each, and whether both answers are equal.

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

// Ten events per visit over 30 days, one of them a `time_spent` on one of 12 paths with the
// deepest point reached (0 to 100; a tenth of them without one, as a page left before the lazy part came).
const insertEvents = `INSERT INTO events (site, type, ts, event_id, session_id, visitor_id, source, path, props, received_at)
  SELECT 'portfolio', if(n % 10 = 9, 'time_spent', 'page_view') AS type,
         now64(3) - toIntervalMillisecond(intDiv(n, 10) * 2592 + (9 - n % 10) * 60),
         concat('bench-', toString(n)), concat('s', toString(intDiv(n, 10))), concat('v', toString(intDiv(n, 30))), 'beacon',
         concat('/', ['', 'about', 'projects', 'contact', 'blog', 'blog/post-1', 'blog/post-2', 'cv', 'talks', 'uses', 'now', 'room'][intDiv(n, 10) % 12 + 1]),
         if(type = 'time_spent' AND intDiv(n, 10) % 10 != 0, map('scroll_depth', toString(cityHash64(n) % 101), 'plan', 'pro'), map('plan', 'pro')),
         now64(3)
  FROM (SELECT number AS n FROM numbers({events:UInt64}))`;

const dataDir = mkdtempSync(join(tmpdir(), 'footfall-scroll-bench-'));
const app = await buildApp(configWith({ dataDir, logLevel: 'warn', apiRateLimitPerMinute: 0 }));
await app.ready();
try {
  await app.clickhouse.command({ query: insertEvents, query_params: { events: EVENTS } });
  const where = "site = 'portfolio' AND ts >= now64(3) - INTERVAL 30 DAY";
  // Every row of the 30 days is the current period's; none the compared one's.
  const after = `${LIST_QUERIES.page_engagement({ where, current: '1', previous: '0' })} SETTINGS use_query_cache = 0`;
  const before = after.replace('maxIf(scroll_depth, 1) AS depth', "maxIf(toUInt8OrZero(props['scroll_depth']), 1) AS depth");
  if (before === after) throw new Error('page_engagement no longer reads the scroll_depth column');
  const read = async (query: string) => (await app.clickhouse.query({ query, format: 'JSONEachRow', query_params: { limit: 100 } })).json();
  const queries = { 'props map (before)': before, 'scroll_depth column (after)': after };
  const times: Record<string, number[]> = {};
  const answers: Record<string, string> = {};
  for (const [name, query] of Object.entries(queries)) answers[name] = JSON.stringify(await read(query)); // warm-up
  for (let run = 0; run < RUNS; run += 1) {
    for (const [name, query] of Object.entries(queries)) {
      const start = performance.now();
      await read(query);
      (times[name] ??= []).push(performance.now() - start);
    }
  }
  console.log(`page_engagement over 30 days of ${EVENTS.toLocaleString('en')} events, ${RUNS} runs each in turn:`);
  for (const [name, list] of Object.entries(times)) {
    list.sort((a, b) => a - b);
    console.log(`  ${name}: median ${list[Math.floor(list.length / 2)]!.toFixed(1)} ms, slowest ${list.at(-1)!.toFixed(1)} ms`);
  }
  const [first, second] = Object.values(answers);
  console.log(`  answers equal: ${first === second}`);
  if (first !== second) process.exitCode = 1;
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
