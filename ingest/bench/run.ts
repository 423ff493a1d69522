import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acceptedByService } from './accepted-counter.js';
import { issueTable, type MeasuredFigures, SCENARIO_NAMES, type ScenarioName, type ServerFigures } from './figures.js';
import { type LoadFigures, runLoad } from './load.js';
import { startServer, type ServerProcess, type ThreadCpu } from './processes.js';
import {
  beacons,
  EVENTS_PER_BATCH,
  OTLP_CONNECTIONS,
  otlpTraces,
  SPANS_PER_OTLP_JSON_REQUEST,
  SPANS_PER_OTLP_REQUEST,
  type Scenario,
} from './scenarios.js';
import { storedCounts } from './stored-counts.js';
import { type IdleCheck, untilIdle } from './until-idle.js';

// `npm run bench`: the ingest service (embedded ClickHouse, write-ahead log on, no rate limit)
// and a bare fastify route taking the same bodies, each in its own process, driven over loopback
// by autocannon. Prints throughput, latency, memory and CPU per event stored per scenario (every
// thread, from the first request until the server is idle again: spool written, parts merged),
// each scenario once per round (BENCH_ROUNDS) on every server in turn; checks that ClickHouse holds
// exactly the events the service accepted, and ends with the issue's table: every figure beside
// its goal and its baselines from this run (medians over the rounds, CPU as min / median).
//
// BENCH_COMPARE_WITH names the root of another checkout of this repository (an older commit, say),
// or several, comma-separated: each one's service runs the same scenarios in the same run, in a
// column of its own, so a change is measured against what it replaced under the same load on the
// machine (several changes at once, each against the one before it). BENCH_COMPARE_ENV gives
// the compared service settings of its own (`BATCH_INTERVAL_MS=5000`), alone or with another checkout.
// BENCH_CPU_EVENTS_PER_S sends the CPU scenarios at one fixed rate to every server (see below).
// BENCH_SCENARIOS runs only the scenarios it names (comma-separated: single, atEighty, batch, json,
// protobuf); the table reads `not run` or NaN for the others.

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
/** Each scenario runs once per round on every server, in turn, so load that comes and goes falls on all alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARM_UP_S = 3;
/**
 * Events per second the CPU scenarios (50-event beacons, OTLP JSON and protobuf) are sent at, the
 * same for every server; unset, as fast as each answers. The engine's CPU per row falls as its
 * batches grow (about 66 ms per insert of events and its four rollups, whatever its size), and a
 * batch holds what arrived in BATCH_INTERVAL_MS: a server that answers faster makes bigger
 * batches. At a rate all keep up with, they are compared on batches of the same size.
 */
const CPU_EVENTS_PER_S = Number(process.env.BENCH_CPU_EVENTS_PER_S ?? 0);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
/**
 * How long a server idles after the run before its memory is read again: V8's memory reducer
 * gives back the pages of a burst's garbage after about 10 s without load.
 */
const IDLE_S = 30;

const serviceScript = fileURLToPath(new URL('../src/server.ts', import.meta.url));
const bareScript = fileURLToPath(new URL('./bare-server.ts', import.meta.url));
const compareWith = (process.env.BENCH_COMPARE_WITH ?? '').split(',').filter(Boolean);
/** The scenarios of this run, in the table's order. */
const scenarioNames = SCENARIO_NAMES.filter((name) => (process.env.BENCH_SCENARIOS ?? name).split(',').includes(name));
/** Settings of the compared service (`NAME=value`, space-separated): this checkout against itself under other settings when no other checkout is named. */
const compareEnv = Object.fromEntries(
  (process.env.BENCH_COMPARE_ENV ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((setting) => [setting.slice(0, setting.indexOf('=')), setting.slice(setting.indexOf('=') + 1)]),
);

/** A server under test: the bare route (no data folder) or a service (this checkout's or another's). */
interface Measured {
  label: string;
  server: ServerProcess;
  /** The service's data folder and URL, watched until its background work is over; undefined for the bare route. */
  idleCheck: IdleCheck;
  runs: Record<ScenarioName, MeasuredFigures[]>;
  /** Answers of every load (warm-up included), for the check against ClickHouse. */
  loads: LoadFigures[];
  dataDir?: string;
  /** Resident memory right after the last round, and its peak over the measured loads, in MiB. */
  rssAfterMiB?: number;
  peakRssMiB: number;
}

const scenarios: Record<ScenarioName, { name: string; scenario: Scenario }> = {
  single: { name: 'single-event beacons', scenario: beacons(1) },
  atEighty: { name: 'single-event at 80% of peak', scenario: beacons(1) },
  batch: { name: `${EVENTS_PER_BATCH}-event beacons`, scenario: beacons(EVENTS_PER_BATCH) },
  json: { name: `OTLP JSON (${SPANS_PER_OTLP_JSON_REQUEST} spans)`, scenario: otlpTraces('json', SPANS_PER_OTLP_JSON_REQUEST) },
  protobuf: { name: `OTLP protobuf (${SPANS_PER_OTLP_REQUEST} spans)`, scenario: otlpTraces('protobuf') },
};

/**
 * One scenario on one server: its load, then the wait until the server is idle again; CPU is
 * every thread's, from the first request to the end of that wait, per event the load stored.
 */
async function measure(measured: Measured, name: ScenarioName, overallRate?: number): Promise<void> {
  const { server, idleCheck } = measured;
  const { scenario } = scenarios[name];
  server.resetPeak();
  const cpuBefore = server.cpuSeconds();
  const startedMs = Date.now();
  const acceptedBefore = idleCheck.url ? await acceptedByService(idleCheck.url) : 0;
  const load = await runLoad({
    ...scenario,
    url: server.url,
    durationS: DURATION_S,
    connections: scenario.connections ?? CONNECTIONS,
    overallRate,
  });
  const idle = await untilIdle(server, idleCheck);
  const cpuAfter = server.cpuSeconds();
  const elapsedS = (Date.now() - startedMs) / 1000;
  // The service counts what it accepted (all of it in ClickHouse once idle); the bare route stores what it answered.
  const stored = idleCheck.url ? (await acceptedByService(idleCheck.url)) - acceptedBefore : load.ok * scenario.eventsPerRequest;
  // What the load caused: the server's idle floor over the same time is taken off.
  const perEvent = (kind: keyof ThreadCpu) =>
    (Math.max(0, cpuAfter[kind] - cpuBefore[kind] - idle.floor[kind] * elapsedS) * 1e6) / Math.max(1, stored);
  const figures: MeasuredFigures = { ...load, stored, cpuUsPerEvent: { main: perEvent('main'), others: perEvent('others') } };
  measured.runs[name].push(figures);
  measured.loads.push(load);
  measured.peakRssMiB = Math.max(measured.peakRssMiB, server.peakRssMiB());
  const cells = [
    `${measured.label}, ${scenarios[name].name}`.padEnd(50),
    figures.requestsPerSecond.toFixed(0).padStart(8),
    figures.eventsPerSecond.toFixed(0).padStart(9),
    figures.p50Ms.toFixed(1).padStart(7),
    figures.p99Ms.toFixed(1).padStart(7),
    server.peakRssMiB().toFixed(0).padStart(9),
    String(figures.failed).padStart(7),
    figures.cpuUsPerEvent.main.toFixed(1).padStart(8),
    figures.cpuUsPerEvent.others.toFixed(1).padStart(10),
    (figures.cpuUsPerEvent.main + figures.cpuUsPerEvent.others).toFixed(1).padStart(8),
    idle.waitedS.toFixed(0).padStart(6),
  ];
  console.log(cells.join('  '));
}

async function start(label: string, script: string, env: Record<string, string> = {}): Promise<Measured> {
  const runs = Object.fromEntries(SCENARIO_NAMES.map((name) => [name, []])) as unknown as Record<ScenarioName, MeasuredFigures[]>;
  if (label === 'bare route') {
    const server = await startServer(script, {}, '/v1/beacon');
    return { label, server, idleCheck: {}, runs, loads: [], peakRssMiB: 0 };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'footfall-bench-'));
  const server = await startServer(
    script,
    { DATA_DIR: dataDir, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', CLICKHOUSE_URL: undefined, ...env },
    '/readyz',
  );
  return { label, server, idleCheck: { url: server.url, dataDir }, runs, loads: [], dataDir, peakRssMiB: 0 };
}

/** After the rounds: memory, then the service stopped and what ClickHouse holds checked; false when events were lost or doubled. */
async function finish(measured: Measured): Promise<{ label: string; figures: ServerFigures; intact: boolean }> {
  const { label, server, dataDir, idleCheck } = measured;
  const figures: ServerFigures = {
    runs: measured.runs,
    rssAfterMiB: measured.rssAfterMiB ?? server.rssMiB(),
    peakRssMiB: measured.peakRssMiB,
    idleResidentMiB: server.residentSplitMiB(),
  };
  if (!dataDir) {
    await server.stop();
    return { label, figures, intact: true };
  }
  try {
    const accepted = { events: await acceptedByService(idleCheck.url!), spans: await acceptedByService(idleCheck.url!, 'otlp') };
    const exit = await server.stop();
    // Nothing lost: after the service exited, ClickHouse holds exactly what the service accepted,
    // each event once, and at least everything the load generator saw answered 2xx (it stops
    // reading answers when a scenario ends, with the last requests still in flight).
    const answered = measured.loads.reduce((sum, run) => sum + run.acceptedEvents, 0);
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
    return { label, figures, intact };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(
  `${DURATION_S} s per scenario, ${ROUNDS} rounds${CPU_EVENTS_PER_S ? `, CPU scenarios at ${CPU_EVENTS_PER_S} events/s` : ''}, ${CONNECTIONS} connections (OTLP: ${OTLP_CONNECTIONS}, as the Collector sends); the load generator and the servers share this machine's ${availableParallelism()} cores`,
);
const bare = await start('bare route', bareScript);
const services = [await start('service', serviceScript)];
for (const [index, root] of compareWith.entries()) {
  const label = compareWith.length === 1 ? 'compared' : `compared ${index + 1}`;
  services.push(await start(label, resolve(root, 'ingest/src/server.ts'), compareEnv));
}
if (compareWith.length === 0 && process.env.BENCH_COMPARE_ENV) services.push(await start('compared', serviceScript, compareEnv));
const servers = [bare, ...services];
for (const measured of servers) {
  measured.loads.push(await runLoad({ ...beacons(1), url: measured.server.url, durationS: WARM_UP_S, connections: CONNECTIONS }));
  await untilIdle(measured.server, measured.idleCheck);
}
console.log(
  [
    'scenario'.padEnd(50),
    'req/s'.padStart(8),
    'events/s'.padStart(9),
    'p50 ms'.padStart(7),
    'p99 ms'.padStart(7),
    'peak RSS'.padStart(9),
    'failed'.padStart(7),
    // CPU per event stored, in microseconds, until idle: the server's JavaScript, its other threads (the embedded engine's, GC), both.
    'main µs'.padStart(8),
    'others µs'.padStart(10),
    'all µs'.padStart(8),
    'idle s'.padStart(6),
  ].join('  '),
);
/** Requests per second of a scenario: 80 % of this server's single-event peak in this round, the fixed event rate, or as fast as it answers. */
function rateOf(measured: Measured, name: ScenarioName): number | undefined {
  const single = measured.runs.single.at(-1);
  if (name === 'atEighty' && single) return Math.round(single.requestsPerSecond * 0.8);
  if (CPU_EVENTS_PER_S && (name === 'batch' || name === 'json' || name === 'protobuf')) {
    return Math.max(1, Math.round(CPU_EVENTS_PER_S / scenarios[name].scenario.eventsPerRequest));
  }
  return undefined;
}

for (let round = 1; round <= ROUNDS; round += 1) {
  for (const name of scenarioNames) {
    for (const measured of servers) await measure(measured, name, rateOf(measured, name));
  }
}
for (const measured of servers) measured.rssAfterMiB = measured.server.rssMiB();
await new Promise((done) => setTimeout(done, IDLE_S * 1000));
const finished = [];
for (const measured of servers) finished.push(await finish(measured));

console.log('');
const [bareFigures, ...serviceFigures] = finished;
for (const line of issueTable(bareFigures!.figures, serviceFigures, CPU_EVENTS_PER_S)) console.log(line);
if (!finished.every(({ intact }) => intact)) process.exitCode = 1;
