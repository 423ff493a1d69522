// What the service's own alert evaluation costs each minute on 1 million stored events: CPU
// milliseconds per evaluation (process.cpuUsage, which counts every thread of the process, the
// embedded ClickHouse's included; /proc splits it into the JavaScript thread and the others),
// against a baseline of the same number of `SELECT 1` round trips to the engine. The first
// evaluation after a start reads the whole history (8 days and 6 hours) and is shown apart; each
// later one reads only the minutes since the one before. Run: npx tsx ingest/bench/alerts-eval.ts
import { readFileSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertStore } from '../src/alerts/alert-store.js';
import { AlertsService } from '../src/plugins/alerts.js';
import { readFirstMinutes, readMinuteCounts } from '../src/alerts/minute-counts.js';
import { HISTORY_MINUTES } from '../src/alerts/traffic-evaluator.js';
import { createClickHouse } from '../src/clickhouse/client.js';
import { migrate } from '../src/clickhouse/migrate.js';

const EVENTS = 1_000_000;
const SITES = 5;
const EVALUATIONS = 60;
const MINUTE = 60_000;

/** User plus system CPU seconds of a proc(5) `stat` file (fields 14 and 15). */
function cpuOf(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const threads = () => {
  const main = cpuOf(`/proc/self/task/${process.pid}/stat`);
  return { main, others: cpuOf('/proc/self/stat') - main };
};
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const dataDir = mkdtempSync(join(tmpdir(), 'footfall-alerts-bench-'));
const client = await createClickHouse({ url: undefined, dataDir });
try {
  await migrate(client);
  const now = Math.floor(Date.now() / MINUTE);
  const from = now - HISTORY_MINUTES - 60;
  // A million events over the history, spread over the sites and minutes, a little lumpy.
  await client.command({
    query: `INSERT INTO events (site, type, ts, event_id, source, received_at)
            SELECT concat('site-', toString(number % {sites:UInt32})), 'page_view', t, generateUUIDv4(), 'beacon', t
            FROM (SELECT number, fromUnixTimestamp64Milli(toInt64({from:Int64} * 60000 + (cityHash64(number) % ({span:UInt64} * 60000)))) AS t
                  FROM numbers({events:UInt64}))`,
    query_params: { sites: SITES, from, span: now - from, events: EVENTS },
  });
  const log = { warn: () => undefined, error: () => undefined };
  const service = new AlertsService(
    new AlertStore(client),
    { minutes: (a, b) => readMinuteCounts(client, a, b), firsts: () => readFirstMinutes(client) },
    { webhookUrl: undefined, log },
  );

  let start = process.cpuUsage();
  await service.evaluate(now);
  const firstMs = cpuMs(start);

  // Each minute brings its share of events (a million over the history), then is judged.
  const perMinute = Math.round(EVENTS / (now - from));
  const evaluation: number[] = [];
  const threadsBefore = threads();
  for (let minute = 1; minute <= EVALUATIONS; minute++) {
    await client.command({
      query: `INSERT INTO events (site, type, ts, event_id, source, received_at)
              SELECT concat('site-', toString(number % {sites:UInt32})), 'page_view', t, generateUUIDv4(), 'beacon', t
              FROM (SELECT number, fromUnixTimestamp64Milli(toInt64({minute:Int64} * 60000 + number * 600)) AS t FROM numbers({n:UInt32}))`,
      query_params: { sites: SITES, minute: now + minute - 1, n: perMinute },
    });
    start = process.cpuUsage();
    await service.evaluate(now + minute);
    evaluation.push(cpuMs(start));
  }
  const threadsAfter = threads();

  const baseline: number[] = [];
  for (let round = 0; round < EVALUATIONS; round++) {
    start = process.cpuUsage();
    await (await client.query({ query: 'SELECT 1', format: 'JSONEachRow' })).json();
    baseline.push(cpuMs(start));
  }

  const sorted = [...evaluation].sort((a, b) => a - b);
  const mean = evaluation.reduce((a, b) => a + b, 0) / evaluation.length;
  const baselineMean = baseline.reduce((a, b) => a + b, 0) / baseline.length;
  const share = (ms: number) => `${((ms / MINUTE) * 100).toFixed(3)} % of one core`;
  console.log(`alert evaluation on ${EVENTS.toLocaleString('en')} events, ${SITES} sites, ${EVALUATIONS} minutes:`);
  console.log(`  first evaluation (reads the whole history): ${firstMs.toFixed(1)} ms CPU`);
  console.log(
    `  each later minute: mean ${mean.toFixed(2)} ms CPU, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}, max ${sorted.at(-1)!.toFixed(2)} = ${share(mean)} at one a minute`,
  );
  console.log(
    `  of which, over the ${EVALUATIONS} minutes (inserts included, 10 ms ticks): JavaScript thread ${(threadsAfter.main - threadsBefore.main).toFixed(2)} s, other threads (the engine) ${(threadsAfter.others - threadsBefore.others).toFixed(2)} s`,
  );
  console.log(`  baseline, a SELECT 1 round trip: mean ${baselineMean.toFixed(2)} ms CPU`);
} finally {
  await client.close();
  rmSync(dataDir, { recursive: true, force: true });
}
