import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acceptedByService } from './accepted-counter.js';
import { beaconBody, IdSource, otlpTraceBodies } from './bodies.js';
import { runLoad, type LoadFigures, type LoadOptions } from './load.js';
import { startServer, type ServerProcess } from './processes.js';
import { storedCounts } from './stored-counts.js';

// `npm run bench`: the ingest service (embedded ClickHouse, write-ahead log on, no rate limit)
// and a bare fastify route, each in its own process, driven over loopback by autocannon. Prints
// throughput, latency and peak memory per scenario, then checks that ClickHouse holds exactly
// the events the service accepted.

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARM_UP_S = 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SPANS_PER_OTLP_REQUEST = 20;
const EVENTS_PER_BATCH = 50;

const TARGETS = { ratioToBare: 0.5, batchEventsPerSecond: 200_000, p99AtEightyPercentMs: 20, rssMiB: 300 };

const serviceScript = fileURLToPath(new URL('../src/server.ts', import.meta.url));
const bareScript = fileURLToPath(new URL('./bare-server.ts', import.meta.url));

interface Row extends LoadFigures {
  name: string;
  peakRssMiB: number;
}

const ids = new IdSource();
const beacons = (events: number) => ({
  path: '/v1/beacon',
  contentType: 'text/plain;charset=UTF-8',
  body: () => beaconBody(ids, events),
  eventsPerRequest: events,
  acceptedIn: (status: number, body: string) => (status === 202 ? (JSON.parse(body) as { accepted: number }).accepted : 0),
});

const otlp = (encoding: 'json' | 'protobuf') => {
  const makeBody = otlpTraceBodies(encoding, SPANS_PER_OTLP_REQUEST);
  return {
    path: '/v1/traces',
    contentType: encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    body: () => makeBody(ids),
    eventsPerRequest: SPANS_PER_OTLP_REQUEST,
    // A full success answers an empty message; anything else is a partial success, which this load never expects.
    acceptedIn: (status: number, body: string) =>
      status !== 200 ? 0 : body === '' || body === '{}' ? SPANS_PER_OTLP_REQUEST : Number.NaN,
  };
};

type Scenario = Omit<LoadOptions, 'url' | 'durationS' | 'connections'>;

async function measure(server: ServerProcess, name: string, scenario: Scenario, overallRate?: number): Promise<Row> {
  server.resetPeak();
  const figures = await runLoad({ ...scenario, url: server.url, durationS: DURATION_S, connections: CONNECTIONS, overallRate });
  const row = { name, ...figures, peakRssMiB: server.peakRssMiB() };
  console.log(format(row));
  return row;
}

function format(row: Row): string {
  const cells = [
    row.name.padEnd(38),
    row.requestsPerSecond.toFixed(0).padStart(8),
    row.eventsPerSecond.toFixed(0).padStart(9),
    row.p50Ms.toFixed(1).padStart(7),
    row.p99Ms.toFixed(1).padStart(7),
    row.peakRssMiB.toFixed(0).padStart(9),
    String(row.failed).padStart(7),
  ];
  return cells.join('  ');
}

const dataDir = mkdtempSync(join(tmpdir(), 'footfall-bench-'));
const rows: Row[] = [];
let warmUpAccepted = 0;
try {
  console.log(`${DURATION_S} s per scenario, ${CONNECTIONS} connections, load generator and servers share this machine's ${(await import('node:os')).availableParallelism()} cores`);
  console.log(['scenario'.padEnd(38), 'req/s'.padStart(8), 'events/s'.padStart(9), 'p50 ms'.padStart(7), 'p99 ms'.padStart(7), 'peak RSS'.padStart(9), 'failed'.padStart(7)].join('  '));

  const bare = await startServer(bareScript, {}, '/v1/beacon');
  try {
    await runLoad({ ...beacons(1), url: bare.url, durationS: WARM_UP_S, connections: CONNECTIONS });
    rows.push(await measure(bare, 'bare fastify route, single-event beacon', beacons(1)));
  } finally {
    await bare.stop();
  }

  const service = await startServer(
    serviceScript,
    { DATA_DIR: dataDir, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', CLICKHOUSE_URL: undefined },
    '/readyz',
  );
  let serviceExit: number | string | null = null;
  let serviceAccepted = { events: 0, spans: 0 };
  try {
    warmUpAccepted = (await runLoad({ ...beacons(1), url: service.url, durationS: WARM_UP_S, connections: CONNECTIONS })).acceptedEvents;
    const single = await measure(service, 'service, single-event beacons', beacons(1));
    rows.push(single);
    rows.push(await measure(service, 'service, single-event at 80% of peak', beacons(1), Math.round(single.requestsPerSecond * 0.8)));
    rows.push(await measure(service, `service, ${EVENTS_PER_BATCH}-event beacons`, beacons(EVENTS_PER_BATCH)));
    rows.push(await measure(service, `service, OTLP JSON (${SPANS_PER_OTLP_REQUEST} spans)`, otlp('json')));
    rows.push(await measure(service, `service, OTLP protobuf (${SPANS_PER_OTLP_REQUEST} spans)`, otlp('protobuf')));
    serviceAccepted = { events: await acceptedByService(service.url), spans: await acceptedByService(service.url, 'otlp') };
  } finally {
    serviceExit = await service.stop();
  }

  const [bareRow, single, atEighty, batch] = rows;
  const peakRss = Math.max(...rows.slice(1).map((row) => row.peakRssMiB));
  const verdict = (pass: boolean) => (pass ? 'meets' : 'MISSES');
  const ratio = single!.requestsPerSecond / bareRow!.requestsPerSecond;
  console.log('');
  console.log(`single-event beacons / bare route: ${ratio.toFixed(2)} (target >= ${TARGETS.ratioToBare}: ${verdict(ratio >= TARGETS.ratioToBare)})`);
  console.log(`${EVENTS_PER_BATCH}-event beacons: ${batch!.eventsPerSecond.toFixed(0)} events/s (target >= ${TARGETS.batchEventsPerSecond}: ${verdict(batch!.eventsPerSecond >= TARGETS.batchEventsPerSecond)})`);
  console.log(`p99 at 80% of peak: ${atEighty!.p99Ms.toFixed(1)} ms (target < ${TARGETS.p99AtEightyPercentMs}: ${verdict(atEighty!.p99Ms < TARGETS.p99AtEightyPercentMs)})`);
  console.log(`peak RSS of the service: ${peakRss.toFixed(0)} MiB (target < ${TARGETS.rssMiB}: ${verdict(peakRss < TARGETS.rssMiB)})`);

  // Nothing lost: after the service exited, ClickHouse holds exactly what the service accepted,
  // each event once, and at least everything the load generator saw answered 2xx (it stops
  // reading answers when a scenario ends, with the last requests still in flight).
  const serviceRows = rows.slice(1);
  const acknowledgedEvents = warmUpAccepted + serviceRows.reduce((sum, row) => sum + row.acceptedEvents, 0);
  const acknowledgedSpans = serviceRows.filter((row) => row.name.includes('OTLP')).reduce((sum, row) => sum + row.acceptedEvents, 0);
  const stored = await storedCounts(dataDir);
  console.log('');
  console.log(`service exit code after SIGTERM: ${serviceExit}`);
  console.log(`events: accepted by the service ${serviceAccepted.events}, answered 2xx to the load generator ${acknowledgedEvents}, in ClickHouse ${stored.events} (distinct ids ${stored.distinctEvents})`);
  console.log(`spans (all analytics events): accepted by the service ${serviceAccepted.spans}, answered 2xx to the load generator ${acknowledgedSpans}, in ClickHouse ${stored.spans}`);
  const intact =
    stored.events === serviceAccepted.events &&
    stored.distinctEvents === stored.events &&
    stored.events >= acknowledgedEvents &&
    stored.spans === serviceAccepted.spans &&
    stored.spans >= acknowledgedSpans;
  console.log(intact ? 'nothing lost, nothing doubled' : 'MISMATCH: events were lost or doubled');
  if (!intact) process.exitCode = 1;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
