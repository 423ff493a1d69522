import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acceptedByService } from './accepted-counter.js';
import { issueTable, type MeasuredFigures, type ServerFigures } from './figures.js';
import { type LoadFigures, runLoad } from './load.js';
import { startServer, type ServerProcess, type ThreadCpu } from './processes.js';
import { beacons, EVENTS_PER_BATCH, OTLP_CONNECTIONS, otlpTraces, SPANS_PER_OTLP_REQUEST, type Scenario } from './scenarios.js';
import { storedCounts } from './stored-counts.js';

// `npm run bench`: the ingest service (embedded ClickHouse, write-ahead log on, no rate limit)
// and a bare fastify route taking the same bodies, each in its own process, driven over loopback
// by autocannon. Prints throughput, latency and memory per scenario, checks that ClickHouse holds
// exactly the events the service accepted, and ends with the issue's table: every figure beside
// its goal and its baseline from this run.
//
// BENCH_COMPARE_WITH names the root of another checkout of this repository (an older commit, say):
// its service runs the same scenarios in the same run, in a column of its own, so a change is
// measured against what it replaced under the same load on the machine.

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARM_UP_S = 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
/**
 * How long a server idles after the run before its memory is read again: V8's memory reducer
 * gives back the pages of a burst's garbage after about 10 s without load.
 */
const IDLE_S = 30;
/** How long the service may take to write its spool to ClickHouse before its memory is read. */
const DRAIN_TIMEOUT_MS = 60_000;

const serviceScript = fileURLToPath(new URL('../src/server.ts', import.meta.url));
const bareScript = fileURLToPath(new URL('./bare-server.ts', import.meta.url));
const compareWith = process.env.BENCH_COMPARE_WITH;

async function measure(server: ServerProcess, name: string, scenario: Scenario, overallRate?: number): Promise<MeasuredFigures> {
  server.resetPeak();
  const cpuBefore = server.cpuSeconds();
  const load = await runLoad({
    ...scenario,
    url: server.url,
    durationS: DURATION_S,
    connections: scenario.connections ?? CONNECTIONS,
    overallRate,
  });
  const cpuAfter = server.cpuSeconds();
  // Per event answered; what the service still writes after the step (its spool) counts in the next one.
  const handled = Math.max(1, load.ok * scenario.eventsPerRequest);
  const perEvent = (kind: keyof ThreadCpu) => ((cpuAfter[kind] - cpuBefore[kind]) * 1e6) / handled;
  const figures = { ...load, cpuUsPerEvent: { main: perEvent('main'), others: perEvent('others') } };
  const cells = [
    name.padEnd(50),
    figures.requestsPerSecond.toFixed(0).padStart(8),
    figures.eventsPerSecond.toFixed(0).padStart(9),
    figures.p50Ms.toFixed(1).padStart(7),
    figures.p99Ms.toFixed(1).padStart(7),
    server.peakRssMiB().toFixed(0).padStart(9),
    String(figures.failed).padStart(7),
    figures.cpuUsPerEvent.main.toFixed(1).padStart(8),
    figures.cpuUsPerEvent.others.toFixed(1).padStart(10),
  ];
  console.log(cells.join('  '));
  return figures;
}

/** The bare route: the same scenarios, so every figure of the service has a baseline. */
async function measureBare(): Promise<ServerFigures> {
  const bare = await startServer(bareScript, {}, '/v1/beacon');
  try {
    await runLoad({ ...beacons(1), url: bare.url, durationS: WARM_UP_S, connections: CONNECTIONS });
    const single = await measure(bare, 'bare route, single-event beacons', beacons(1));
    const atEighty = await measure(bare, 'bare route, single-event at 80% of peak', beacons(1), Math.round(single.requestsPerSecond * 0.8));
    const batch = await measure(bare, `bare route, ${EVENTS_PER_BATCH}-event beacons`, beacons(EVENTS_PER_BATCH));
    const protobuf = await measure(bare, `bare route, OTLP protobuf (${SPANS_PER_OTLP_REQUEST} spans)`, otlpTraces('protobuf'));
    bare.resetPeak();
    const rssAfterMiB = bare.rssMiB();
    const peakRssMiB = bare.peakRssMiB();
    await idle();
    return { single, atEighty, batch, protobuf, rssAfterMiB, peakRssMiB, idleResidentMiB: bare.residentSplitMiB() };
  } finally {
    await bare.stop();
  }
}

/** One service (this checkout's or another's), on a fresh data directory; false in `intact` when events were lost or doubled. */
async function measureService(label: string, script: string): Promise<{ figures: ServerFigures; intact: boolean }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'footfall-bench-'));
  try {
    const service = await startServer(
      script,
      { DATA_DIR: dataDir, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', CLICKHOUSE_URL: undefined },
      '/readyz',
    );
    const runs: LoadFigures[] = [];
    let figures: ServerFigures;
    let exit: number | string;
    let accepted = { events: 0, spans: 0 };
    try {
      runs.push(await runLoad({ ...beacons(1), url: service.url, durationS: WARM_UP_S, connections: CONNECTIONS }));
      let peak = 0;
      const run = async (name: string, scenario: Scenario, rate?: number) => {
        const figures = await measure(service, `${label}, ${name}`, scenario, rate);
        peak = Math.max(peak, service.peakRssMiB());
        runs.push(figures);
        return figures;
      };
      const single = await run('single-event beacons', beacons(1));
      const atEighty = await run('single-event at 80% of peak', beacons(1), Math.round(single.requestsPerSecond * 0.8));
      const batch = await run(`${EVENTS_PER_BATCH}-event beacons`, beacons(EVENTS_PER_BATCH));
      await run(`OTLP JSON (${SPANS_PER_OTLP_REQUEST} spans)`, otlpTraces('json'));
      const protobuf = await run(`OTLP protobuf (${SPANS_PER_OTLP_REQUEST} spans)`, otlpTraces('protobuf'));
      await drained(service.url);
      const rssAfterMiB = service.rssMiB();
      peak = Math.max(peak, service.peakRssMiB());
      await idle();
      figures = { single, atEighty, batch, protobuf, rssAfterMiB, peakRssMiB: peak, idleResidentMiB: service.residentSplitMiB() };
      accepted = { events: await acceptedByService(service.url), spans: await acceptedByService(service.url, 'otlp') };
    } finally {
      exit = await service.stop();
    }

    // Nothing lost: after the service exited, ClickHouse holds exactly what the service accepted,
    // each event once, and at least everything the load generator saw answered 2xx (it stops
    // reading answers when a scenario ends, with the last requests still in flight).
    const answered = runs.reduce((sum, run) => sum + run.acceptedEvents, 0);
    const stored = await storedCounts(dataDir);
    console.log(
      `${label}: exit code after SIGTERM ${exit}; events accepted ${accepted.events}, answered 2xx ${answered}, in ClickHouse ${stored.events} (distinct ${stored.distinctEvents}); spans accepted ${accepted.spans}, in ClickHouse ${stored.spans}`,
    );
    const intact =
      stored.events === accepted.events &&
      stored.distinctEvents === stored.events &&
      stored.events >= answered &&
      stored.spans === accepted.spans;
    console.log(intact ? `${label}: nothing lost, nothing doubled` : `${label}: MISMATCH, events were lost or doubled`);
    return { figures, intact };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function idle(): Promise<void> {
  return new Promise((done) => setTimeout(done, IDLE_S * 1000));
}

/** Waits until the service's spool is empty (everything accepted is in ClickHouse). */
async function drained(url: string): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const health = (await (await fetch(`${url}/readyz`)).json()) as { spool_bytes: number };
    if (health.spool_bytes === 0) return;
    await new Promise((done) => setTimeout(done, 200));
  }
}

console.log(
  `${DURATION_S} s per scenario, ${CONNECTIONS} connections (OTLP: ${OTLP_CONNECTIONS}, as the Collector sends); the load generator and the servers share this machine's ${availableParallelism()} cores`,
);
console.log(
  [
    'scenario'.padEnd(50),
    'req/s'.padStart(8),
    'events/s'.padStart(9),
    'p50 ms'.padStart(7),
    'p99 ms'.padStart(7),
    'peak RSS'.padStart(9),
    'failed'.padStart(7),
    // CPU per event answered, in microseconds: the server's JavaScript, and its other threads (the embedded engine's, GC).
    'main µs'.padStart(8),
    'others µs'.padStart(10),
  ].join('  '),
);
const bare = await measureBare();
const services: Array<{ label: string; figures: ServerFigures }> = [];
let intact = true;
if (compareWith) {
  const compared = await measureService('compared', resolve(compareWith, 'ingest/src/server.ts'));
  services.push({ label: 'compared', figures: compared.figures });
  intact &&= compared.intact;
}
const measured = await measureService('service', serviceScript);
services.unshift({ label: 'service', figures: measured.figures });
intact &&= measured.intact;

console.log('');
for (const line of issueTable(bare, services)) console.log(line);
if (!intact) process.exitCode = 1;
