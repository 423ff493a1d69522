// The figures of the ingest throughput issue, each beside its goal and its baseline from the same
// run (the bare fastify route): the table `npm run bench` ends with and docs/tests.md quotes.
import type { LoadFigures } from './load.js';
import type { ThreadCpu } from './processes.js';

/** One scenario against one server, with the server's CPU per event answered (microseconds). */
export type MeasuredFigures = LoadFigures & { cpuUsPerEvent: ThreadCpu };

/** What one server did in the scenarios the table is made of. */
export interface ServerFigures {
  single: MeasuredFigures;
  atEighty: MeasuredFigures;
  batch: MeasuredFigures;
  protobuf: MeasuredFigures;
  /** Resident memory once the run is over and the spool is empty, in MiB. */
  rssAfterMiB: number;
  peakRssMiB: number;
  /** Resident memory after the server idled for a while, split: anonymous (heaps) and mapped from files (mostly code). */
  idleResidentMiB: { anonymous: number; file: number };
}

const GOALS = { singleRatio: 0.5, batchRatio: 0.8, rssMiB: 400, p99Ms: 50, spansPerSecond: 100_000 };

const count = (value: number) => Math.round(value).toLocaleString('en');
const ratio = (value: number) => value.toFixed(2);
/** Main thread + other threads, in microseconds of CPU per event. */
const cpu = ({ main, others }: ThreadCpu) => `${main.toFixed(1)} + ${others.toFixed(1)} µs`;
const verdict = (pass: boolean | undefined) => (pass === undefined ? 'no goal' : pass ? 'meets' : 'MISSES');

/** Markdown rows: one column per measured service (the first is the one the goals judge), then the baseline. */
export function issueTable(bare: ServerFigures, services: ReadonlyArray<{ label: string; figures: ServerFigures }>): string[] {
  const cells = (of: (figures: ServerFigures) => string) => services.map(({ figures }) => of(figures));
  const judged = services[0]!.figures;
  const rows: Array<[string, string, string[], string, boolean | undefined]> = [
    [
      'single-event beacons, ratio to the bare route',
      `>= ${GOALS.singleRatio}`,
      cells((f) => ratio(f.single.requestsPerSecond / bare.single.requestsPerSecond)),
      `${count(bare.single.requestsPerSecond)} req/s`,
      judged.single.requestsPerSecond / bare.single.requestsPerSecond >= GOALS.singleRatio,
    ],
    [
      '50-event beacons, ratio to the bare route with the same body',
      `>= ${GOALS.batchRatio}`,
      cells((f) => ratio(f.batch.requestsPerSecond / bare.batch.requestsPerSecond)),
      `${count(bare.batch.requestsPerSecond)} req/s`,
      judged.batch.requestsPerSecond / bare.batch.requestsPerSecond >= GOALS.batchRatio,
    ],
    [
      '50-event beacons, events/s',
      `>= ${count(bare.batch.eventsPerSecond * GOALS.batchRatio)} (0.8 of the bare route)`,
      cells((f) => count(f.batch.eventsPerSecond)),
      `${count(bare.batch.eventsPerSecond)} events/s`,
      judged.batch.eventsPerSecond >= bare.batch.eventsPerSecond * GOALS.batchRatio,
    ],
    [
      // Not a goal: where each event's cost goes, so a run shows what bounds the ratio above.
      '50-event beacons, CPU per event: main thread + other threads (engine, GC)',
      'not set',
      cells((f) => cpu(f.batch.cpuUsPerEvent)),
      cpu(bare.batch.cpuUsPerEvent),
      undefined,
    ],
    [
      'RSS after the run, embedded ClickHouse (peak)',
      `< ${GOALS.rssMiB} MiB`,
      cells((f) => `${f.rssAfterMiB.toFixed(0)} MiB (${f.peakRssMiB.toFixed(0)})`),
      `${bare.rssAfterMiB.toFixed(0)} MiB (${bare.peakRssMiB.toFixed(0)})`,
      judged.rssAfterMiB < GOALS.rssMiB,
    ],
    [
      // Not a goal: the engine's code, mapped from its library, is most of the file-backed part.
      'RSS 30 s later, idle: anonymous + file-backed',
      'not set',
      cells((f) => `${f.idleResidentMiB.anonymous.toFixed(0)} + ${f.idleResidentMiB.file.toFixed(0)} MiB`),
      `${bare.idleResidentMiB.anonymous.toFixed(0)} + ${bare.idleResidentMiB.file.toFixed(0)} MiB`,
      undefined,
    ],
    [
      'p99 at 80 % of peak (single-event beacons)',
      `< ${GOALS.p99Ms} ms`,
      cells((f) => `${f.atEighty.p99Ms.toFixed(0)} ms`),
      `${bare.atEighty.p99Ms.toFixed(0)} ms`,
      judged.atEighty.p99Ms < GOALS.p99Ms,
    ],
    [
      // Not a goal of the issue: the absolute figure above moves with the machine's load, this ratio much less.
      'OTLP protobuf spans/s, ratio to the bare route',
      'not set',
      cells((f) => ratio(f.protobuf.eventsPerSecond / bare.protobuf.eventsPerSecond)),
      `${count(bare.protobuf.eventsPerSecond)} spans/s`,
      undefined,
    ],
    [
      'OTLP protobuf spans/s',
      `>= ${count(GOALS.spansPerSecond)}`,
      cells((f) => count(f.protobuf.eventsPerSecond)),
      `${count(bare.protobuf.eventsPerSecond)} spans/s (body read, not decoded)`,
      judged.protobuf.eventsPerSecond >= GOALS.spansPerSecond,
    ],
    [
      'OTLP protobuf, CPU per span: main thread + other threads (engine, GC)',
      'not set',
      cells((f) => cpu(f.protobuf.cpuUsPerEvent)),
      cpu(bare.protobuf.cpuUsPerEvent),
      undefined,
    ],
  ];
  const header = `| figure | goal | ${services.map(({ label }) => label).join(' | ')} | baseline: bare route | ${services[0]!.label} |`;
  const rule = `| --- | --- | ${services.map(() => '---:').join(' | ')} | ---: | --- |`;
  return [
    header,
    rule,
    ...rows.map(([name, goal, values, baseline, pass]) => `| ${name} | ${goal} | ${values.join(' | ')} | ${baseline} | ${verdict(pass)} |`),
    `| served mode (CLICKHOUSE_URL), RSS after the run | < 200 MiB | ${services.map(() => 'not measured').join(' | ')} | needs a ClickHouse server | not measured |`,
  ];
}
