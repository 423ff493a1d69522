import { READ_CONNECTIONS, readPoolSettings } from '../src/clickhouse/client.js';
import { ReadPool, readPoolOf, setReadPool } from '../src/clickhouse/read-pool.js';
import { EngagementFold, type FoldRound } from '../src/engagement-fold/fold-engagement.js';
import { readOptionsOf } from '../src/stats/summary-period.js';
import { RANGE_NAMES } from '../src/stats/range.js';
import { readStats, summaryReads } from '../src/stats/stats.js';
import { openEventStore, SITE } from './event-store.js';

// `npx tsx ingest/bench/read-api.ts`: /api/stats for every period the overview offers and
// /api/funnel on a store of generated events (event-store.ts: a million by default, 90 % of them
// the measured site's, spread over 13 months; BENCH_EVENTS=10000000 for ten million), answered
// through the whole HTTP stack (app.inject), warm. Prints the median and the slowest of several
// runs beside two baselines measured in turn with them (so load that comes and goes falls on all
// alike): one `count()` over the site's rows, the cheapest scan the engine can do, the same
// summary read from raw events only (what it would cost without the rollups), and the summary on
// a pool like the service's without the engine's block cache (what the cache saves; the service's
// READ_CACHE_MAX_BYTES sizes it here too). Then each part of
// the summary (each query readStats runs side by side) timed alone: which query costs what; and
// each statement the summary sends, as it is and under EXPLAIN: how much is fixed cost.
//
// First the engagement fold catches up with the store. BENCH_FOLD_ROUNDS=5000,50000 then times
// its steady rounds instead of the reads: in turn, BENCH_FOLD_REPEATS (3) times, a round with
// nothing new and a round after each of those numbers of new events (new visits of the last ten
// minutes, added to the kept store: they would change what the reads read), every thread's CPU of
// the round and of the merges it leaves, the insert's own merges over before it starts.
//
// The summary is timed once per read pool of BENCH_READ_POOLS (connections, in turn with each
// other and the baselines; 0: no pool, every read bound on the client's one connection, one at a
// time as before the pool). The parts and statements alone are timed on the service's own pool.

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** The overview's aim: 200 ms on a million events, 1 s on ten million. */
const TARGET_MS = EVENTS >= 10_000_000 ? 1000 : 200;
const READ_POOLS = (process.env.BENCH_READ_POOLS ?? `0,${READ_CONNECTIONS}`).split(',').map(Number);
const PERIODS = process.env.BENCH_PERIODS?.split(',') ?? [...RANGE_NAMES, 'this_month', '12mo', 'all'];

/** New events before each steady round of the fold (none: the reads are timed instead). */
const FOLD_ROUNDS = (process.env.BENCH_FOLD_ROUNDS ?? '').split(',').filter(Boolean).map(Number);
const FOLD_REPEATS = Number(process.env.BENCH_FOLD_REPEATS ?? 3);

const store = await openEventStore(EVENTS);
const { app } = store;
console.log(`store of ${EVENTS.toLocaleString('en')} events: ${store.how}`);

/** CPU ms of this process (every thread: the embedded engine runs in it) since `since`. */
const cpuMsSince = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
/** The process's CPU while nothing is asked of it (the engine's ticks, merges finishing). */
const idleCpuMs = async (ms: number) => {
  const since = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return cpuMsSince(since);
};
const medianOf = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

/** A window's CPU under this (ms in 1,000) is idle: the engine ticks at about 5. */
const IDLE_MS_PER_S = 30;

/**
 * Waits until the engine has no merge under way and the process stayed idle 3 s in a row; returns
 * when that idle stretch began, and the process's CPU per ms over it (the floor a measure takes off).
 */
async function untilIdle(): Promise<{ at: NodeJS.CpuUsage; atMs: number; floorPerMs: number }> {
  let idleWindows = 0;
  let at = process.cpuUsage();
  let atMs = performance.now();
  while (idleWindows < 3) {
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const merging = await app.clickhouse.query({ query: 'SELECT count() AS n FROM system.merges', format: 'JSONEachRow' });
    const [row] = await merging.json<{ n: string }>();
    const busy = cpuMsSince(before) >= IDLE_MS_PER_S || Number(row?.n) > 0;
    idleWindows = busy ? 0 : idleWindows + 1;
    if (busy) {
      at = process.cpuUsage();
      atMs = performance.now();
    }
  }
  return { at, atMs, floorPerMs: cpuMsSince(at) / (performance.now() - atMs) };
}

/**
 * The fold's steady rounds: for each number of new events, in turn, the events written and their
 * merges waited for, then one round timed: its CPU (every thread) and the merges it leaves, less
 * the idle floor over the time they took. Prints each round, then medians, and the part per new
 * event and the fixed part of a round that has something to fold, fitted between the two largest.
 */
async function timeSteadyRounds(fold: EngagementFold): Promise<void> {
  const sizes = [0, ...FOLD_ROUNDS];
  const cpu = new Map<number, { round: number; total: number }[]>(sizes.map((size) => [size, []]));
  for (let repeat = 0; repeat < FOLD_REPEATS; repeat += 1) {
    for (const size of sizes) {
      if (size > 0) await store.addEvents(size, 600_000);
      const { floorPerMs } = await untilIdle();
      const since = process.cpuUsage();
      const started = performance.now();
      const round = await fold.round();
      const roundMs = performance.now() - started;
      const roundCpu = cpuMsSince(since) - floorPerMs * roundMs;
      const idle = await untilIdle();
      const withMerges = cpuMsSince(since) - cpuMsSince(idle.at) - floorPerMs * (idle.atMs - started);
      if (round.events !== (size === 0 ? 0 : Math.ceil(size / 8) * 8) || round.slices > 1)
        console.warn(`  the round folded ${round.events} events in ${round.slices} slices, not ${size} in one`);
      cpu.get(size)!.push({ round: roundCpu, total: withMerges });
      console.log(
        `  steady round after ${size.toLocaleString('en')} new events: ${roundMs.toFixed(0)} ms, ` +
          `CPU ${roundCpu.toFixed(1)} ms, ${withMerges.toFixed(1)} ms with the merges after`,
      );
    }
  }
  const spread = (list: number[]) => `${medianOf(list).toFixed(1)} (${Math.min(...list).toFixed(1)}-${Math.max(...list).toFixed(1)})`;
  console.log(
    `\nthe fold's steady round on ${EVENTS.toLocaleString('en')} events, CPU ms of every thread, median (min-max) of ${FOLD_REPEATS}\n`,
  );
  console.log('| new events | round | round and its merges | per new event, µs |');
  console.log('| ---: | ---: | ---: | ---: |');
  for (const size of sizes) {
    const totals = cpu.get(size)!.map(({ total }) => total);
    console.log(
      `| ${size.toLocaleString('en')} | ${spread(cpu.get(size)!.map(({ round }) => round))} | ${spread(totals)} | ${size === 0 ? '' : ((medianOf(totals) * 1000) / size).toFixed(2)} |`,
    );
  }
  if (FOLD_ROUNDS.length >= 2) {
    const [small, large] = [...FOLD_ROUNDS].sort((a, b) => a - b).slice(-2) as [number, number];
    const [smallCpu, largeCpu] = [small, large].map((size) => medianOf(cpu.get(size)!.map(({ total }) => total))) as [number, number];
    const perEvent = (largeCpu - smallCpu) / (large - small);
    console.log(
      `\nbetween ${small.toLocaleString('en')} and ${large.toLocaleString('en')} new events (medians): ` +
        `${(perEvent * 1000).toFixed(2)} µs per new event and ${(smallCpu - perEvent * small).toFixed(0)} ms per round that has something to fold`,
    );
  }
}

{
  // The fold with no settle time: the store is written, nothing is being inserted.
  const fold = new EngagementFold(store.app.clickhouse, { settleMs: 0 });
  const floor = await idleCpuMs(3000);
  const since = process.cpuUsage();
  const started = performance.now();
  const rounds: FoldRound[] = await fold.catchUp();
  const foldMs = performance.now() - started;
  const foldCpu = cpuMsSince(since);
  // Its parts merged: CPU over an idle window's beyond the floor.
  const merges = Math.max(0, (await idleCpuMs(3000)) - floor);
  const spans = rounds.filter((round) => round.slice === 0);
  const events = spans.reduce((sum, round) => sum + round.events, 0);
  console.log(
    `engagement fold: ${events.toLocaleString('en')} events in ${rounds.length} rounds, ` +
      `${foldMs.toFixed(0)} ms, CPU ${foldCpu.toFixed(0)} ms + ${merges.toFixed(0)} ms of merges after` +
      (events > 0 ? `: ${(((foldCpu + merges) * 1000) / events).toFixed(2)} us per event` : ''),
  );
  // A round with nothing to fold: what the job costs every minute on a quiet site.
  const quiet = process.cpuUsage();
  await fold.round();
  console.log(`a round with nothing to fold: CPU ${cpuMsSince(quiet).toFixed(1)} ms`);
  if (FOLD_ROUNDS.length > 0) {
    await timeSteadyRounds(fold);
    await app.close();
    process.exit(0);
  }
}

/**
 * Runs the works in turn, RUNS times after a warm-up, so load that comes and goes falls on each
 * alike; median and slowest of each, and the median CPU time the process spent on it, every
 * thread counted (the embedded engine runs in this process): a figure other load moves far less
 * than the time.
 */
const timeInTurn = async (works: ReadonlyArray<() => Promise<unknown>>, runs = RUNS) => {
  for (const work of works) await work(); // warm-up: caches and the first read of each part
  const times = works.map(() => [] as number[]);
  const cpu = works.map(() => [] as number[]);
  for (let run = 0; run < runs; run += 1) {
    for (const [index, work] of works.entries()) {
      const start = performance.now();
      const startCpu = process.cpuUsage();
      await work();
      const used = process.cpuUsage(startCpu);
      times[index]!.push(performance.now() - start);
      cpu[index]!.push((used.user + used.system) / 1000);
    }
  }
  return times.map((list, index) => ({ median: medianOf(list), slowest: Math.max(...list), cpu: medianOf(cpu[index]!) }));
};

/**
 * The statements `work` sends, taken from the client as it sends them, each then timed in turn
 * RUNS times as it is and under EXPLAIN (parsed, analysed and planned, not run): how much of a
 * summary is each statement's fixed cost.
 */
async function fixedCostOf(work: () => Promise<unknown>): Promise<{ statements: number; run: number; explain: number }> {
  const client = app.clickhouse;
  const query = client.query.bind(client);
  const sent: Array<Parameters<typeof client.query>[0]> = [];
  client.query = ((params: Parameters<typeof client.query>[0]) => {
    sent.push(params);
    return query(params);
  }) as typeof client.query;
  // Without the pool, every statement is sent by the client, where it is taken.
  const pool = readPoolOf(client);
  setReadPool(client, undefined);
  try {
    await work();
  } finally {
    client.query = query;
    setReadPool(client, pool);
  }
  let run = 0;
  let explain = 0;
  for (const params of sent) {
    const [asSent, explained] = await timeInTurn([
      () => query(params).then((result) => result.json()),
      () => query({ ...params, query: `EXPLAIN ${params.query}` }).then((result) => result.json()),
    ]);
    run += asSent!.cpu;
    explain += explained!.cpu;
  }
  return { statements: sent.length, run, explain };
}

try {
  // Summaries are reused for one interval (StatsFeed); each run here measures a computation.
  const inject = (url: string) => async () => {
    app.statsFeed.forget();
    const response = await app.inject(url);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response;
  };
  const countAll = async () => {
    const result = await app.clickhouse.query({
      query: 'SELECT count() FROM events WHERE site = {site:String}',
      query_params: { site: SITE },
      format: 'JSONEachRow',
    });
    return result.json();
  };
  const site = app.catalog.sites.get(SITE)!;
  const readOf = (period: string) => readOptionsOf({ range: period })!;

  // The service's own pool, and one of each other size asked for, on the same data directory.
  const ownPool = readPoolOf(app.clickhouse)!;
  const pools = new Map<number, ReadPool | undefined>();
  for (const size of READ_POOLS)
    pools.set(size, size === 0 ? undefined : size === ownPool.size ? ownPool : await ReadPool.open(ownPool.path, size));
  // The service's pool less the engine's block cache (clickhouse/client.ts): a baseline of the summary.
  const uncached = await ReadPool.open(ownPool.path, ownPool.size, readPoolSettings(false));
  /** `work` with reads on `pool` (none: every read bound on the client's one connection). */
  const on = (pool: ReadPool | undefined, work: () => Promise<unknown>) => async () => {
    setReadPool(app.clickhouse, pool);
    try {
      return await work();
    } finally {
      setReadPool(app.clickhouse, ownPool);
    }
  };
  /** `work` with reads on the pool of `size` connections (0: none). */
  const onPool = (size: number, work: () => Promise<unknown>) => on(pools.get(size), work);

  interface Row {
    request: string;
    pool: number;
    median: number;
    slowest: number;
    cpu: number;
    count: number;
    raw?: number;
    /** The summary on the service's pool without the block cache: median ms and CPU ms. */
    uncached?: { median: number; cpu: number };
  }
  const rows: Row[] = [];
  const parts: Array<{ period: string; times: Record<string, { median: number; cpu: number }> }> = [];
  const fixed: Array<{ period: string; statements: number; run: number; explain: number }> = [];
  for (const period of PERIODS) {
    const { range, options } = readOf(period);
    const inTurn = await timeInTurn([
      countAll,
      () => readStats(app.clickhouse, site, range, [], {}, { ...options, rollups: false }),
      on(uncached, inject(`/api/stats?range=${period}`)),
      ...READ_POOLS.map((size) => onPool(size, inject(`/api/stats?range=${period}`))),
    ]);
    const [count, raw, withoutCache] = inTurn;
    for (const [index, size] of READ_POOLS.entries())
      rows.push({
        request: `/api/stats?range=${period}`,
        pool: size,
        ...inTurn[index + 3]!,
        count: count!.median,
        raw: raw!.median,
        ...(size === ownPool.size ? { uncached: withoutCache } : {}),
      });
    const { reads } = await summaryReads(app.clickhouse, site, range, {}, options);
    // The engagement path's raw plan (rollups: false changes nothing else of that part).
    const { reads: rawReads } = await summaryReads(app.clickhouse, site, range, {}, { ...options, rollups: false });
    const works = { ...reads, engagement_raw: rawReads.engagement };
    const names = Object.keys(works) as Array<keyof typeof works>;
    const timed = await timeInTurn(names.map((name) => works[name]));
    parts.push({ period, times: Object.fromEntries(names.map((name, index) => [name, timed[index]!])) });
    fixed.push({ period, ...(await fixedCostOf(() => readStats(app.clickhouse, site, range, [], {}, options))) });
  }
  for (const range of ['24h', '30d']) {
    const url = `/api/funnel?range=${range}&step=page_view:/&step=room_enter&step=object_click:guitar`;
    const [count, ...requests] = await timeInTurn([countAll, ...READ_POOLS.map((size) => onPool(size, inject(url)))]);
    for (const [index, size] of READ_POOLS.entries()) rows.push({ request: url, pool: size, ...requests[index]!, count: count!.median });
  }

  console.log(
    `\n${site.id}'s summary on a store of ${EVENTS.toLocaleString('en')} events, median of ${RUNS} warm runs; baselines taken in turn with each request: ` +
      `count() over the site's rows, the summary read from raw events only, and the summary on the service's pool without the block cache\n`,
  );
  console.log(
    '| request | read pool | median ms | slowest ms | CPU ms | count() ms | median / count() | summary, raw only ms | without the block cache, ms / CPU ms |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    const uncachedCell = row.uncached ? `${row.uncached.median.toFixed(0)} / ${row.uncached.cpu.toFixed(0)}` : '';
    console.log(
      `| \`${row.request}\` | ${row.pool === 0 ? 'none' : row.pool} | ${row.median.toFixed(0)} | ${row.slowest.toFixed(0)} | ${row.cpu.toFixed(0)} | ${row.count.toFixed(1)} | ${(row.median / row.count).toFixed(1)}x | ${row.raw === undefined ? '' : row.raw.toFixed(0)} | ${uncachedCell} |`,
    );
  }
  const names = Object.keys(parts[0]!.times);
  console.log(
    `\neach part of the summary alone, median ms / CPU ms (the summary sends them side by side, run ${ownPool.size} at a time by the read pool)\n`,
  );
  console.log(`| period | ${names.join(' | ')} |`);
  console.log(`| --- | ${names.map(() => '---:').join(' | ')} |`);
  for (const { period, times } of parts)
    console.log(`| ${period} | ${names.map((name) => `${times[name]!.median.toFixed(0)} / ${times[name]!.cpu.toFixed(0)}`).join(' | ')} |`);
  console.log(
    '\nthe engagement path folded against its raw plan, CPU ms (medians, in turn); the summary with the raw plan in its place is the summary less the one plus the other\n',
  );
  console.log('| period | engagement, folded | engagement, raw plan | summary | summary with the raw plan |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const { period, times } of parts) {
    const summary = rows.find((row) => row.request === `/api/stats?range=${period}` && row.pool === ownPool.size)!;
    const folded = times.engagement!.cpu;
    const raw = times.engagement_raw!.cpu;
    console.log(
      `| ${period} | ${folded.toFixed(0)} | ${raw.toFixed(0)} | ${summary.cpu.toFixed(0)} | ${(summary.cpu - folded + raw).toFixed(0)} |`,
    );
  }
  console.log(
    "\nthe summary's statements one by one, CPU ms (sums of medians, in turn): run, and EXPLAIN alone (parse, analysis, plan; it also runs scalar subqueries and builds IN sets): each statement's fixed cost\n",
  );
  console.log('| period | statements | run | EXPLAIN |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const row of fixed) console.log(`| ${row.period} | ${row.statements} | ${row.run.toFixed(0)} | ${row.explain.toFixed(0)} |`);
  const over = rows.filter((row) => row.pool === ownPool.size && row.median > TARGET_MS);
  console.log(
    over.length === 0
      ? `\nevery median under ${TARGET_MS} ms (the service's read pool)`
      : `\nover ${TARGET_MS} ms (the service's read pool): ${over.map((row) => row.request).join(', ')}`,
  );
  for (const pool of pools.values()) if (pool && pool !== ownPool) await pool.close();
  await uncached.close();
} finally {
  await app.close();
}
