import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecentIds } from '../src/pipeline/recent-ids.js';
import { WriteAheadLog } from '../src/pipeline/wal.js';
import { type EventRow, eventsTable } from '../src/tables/events.js';

// `npx tsx ingest/bench/request-lines.ts`: what the main thread spends storing the rows of 50-event
// beacon requests, the step of pipeline.accept and the write-ahead log alone (no HTTP, no engine):
// each row's key checked against the recent ids, its line serialised, the request's lines joined
// and searched for a lone surrogate, encoded as UTF-8, and appended to a real log with the other
// requests of its turn (group-commit.ts). Two encodings are measured, alternated round by round
// (which goes first swapped each round): `Buffer.from` of each request's lines, as group-commit.ts
// does, and the request's lines written into slices of one shared 1 MiB buffer (no pass to measure
// the UTF-8 length first, no buffer of its own per request), tried and not taken: here it saved
// 0.02-0.17 µs a row at the min of 7-9 rounds (0.1-0.66 at the median; five runs), while in
// `npm run bench` at 5,000 events/s the main thread per beacon event spread over 7.7-11.5 µs
// and the service with it was no faster (median 11.5 against 11.3). CPU is the main thread's
// alone (process.threadCpuUsage), per row: other processes on the machine move it far less than
// wall time. Figures are min, median and max over BENCH_ROUNDS; a first round, not counted, warms
// the compiled code of both up.

const ROWS_PER_REQUEST = 50;
/** Requests whose rows one write of the log carries, as a turn of the event loop gathers them under load. */
const REQUESTS_PER_TURN = 10;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/** Turns per segment: sealed and removed after, so the bench's disk use stays small. */
const TURNS_PER_SEGMENT = 50;
const LONE_SURROGATE_ESCAPE = '\\ud';

const SLAB_BYTES = 1 << 20;
/** The most bytes UTF-8 takes for one UTF-16 code unit (a surrogate pair is 2 units and 4 bytes). */
const MAX_BYTES_PER_UNIT = 3;
let slab = Buffer.allocUnsafe(0);
let slabUsed = 0;

/** The lines as UTF-8 in a slice of the shared slab, written once into room reserved for their longest encoding. */
function slabSlice(lines: string): Buffer {
  const room = lines.length * MAX_BYTES_PER_UNIT;
  if (room > SLAB_BYTES / 4) return Buffer.from(lines);
  // A full slab is left to the slices still holding it: a slice waiting for its write is never written over.
  if (slab.length - slabUsed < room) {
    slab = Buffer.allocUnsafe(SLAB_BYTES);
    slabUsed = 0;
  }
  const start = slabUsed;
  slabUsed += slab.write(lines, start);
  return slab.subarray(start, slabUsed);
}

const ENCODINGS: Record<string, (lines: string) => Buffer> = {
  'Buffer.from per request (group-commit.ts)': (lines) => Buffer.from(lines),
  'slices of a shared slab (tried)': slabSlice,
};

/** The events of a beacon as the bench's visits send them: ids as uuids, one session per request. */
function beaconRows(request: number): EventRow[] {
  const session = randomUUID();
  const now = Date.now();
  return Array.from(
    { length: ROWS_PER_REQUEST },
    (_, index): EventRow => ({
      site: 'portfolio',
      type: index % 2 === 0 ? 'object_view' : 'object_click',
      ts: now - index,
      event_id: randomUUID(),
      session_id: session,
      visitor_id: `v-${request}`,
      source: 'beacon',
      path: '/room',
      referrer_host: 'example.com',
      object_id: 'guitar',
      room_id: 'studio',
      nav_from: '',
      nav_to: '',
      duration_ms: 0,
      props: index % 2 === 0 ? {} : { hand: 'left' },
      device: 'desktop',
      browser: 'Chrome',
      os: 'Linux',
      country: 'DE',
      utm_source: '',
      utm_medium: '',
      utm_campaign: '',
      utm_term: '',
      utm_content: '',
      received_at: now,
    }),
  );
}

/** What pipeline.accept does with a request's rows before it hands them to the log. */
function requestLines(recent: RecentIds, rows: readonly EventRow[]): string {
  const { keyOf, serialize } = eventsTable;
  let lines = '';
  for (const row of rows) {
    if (!recent.addIfNew(keyOf(row))) continue;
    lines += `${serialize(row)}\n`;
  }
  if (lines.includes(LONE_SURROGATE_ESCAPE)) throw new Error('the bench has no lone surrogate');
  return lines;
}

function append(wal: WriteAheadLog, chunks: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => wal.append(chunks, (error) => (error ? reject(error) : resolve())));
}

/** Main-thread CPU µs per row of storing every request once, with `encode`. */
async function storeAll(requests: readonly EventRow[][], encode: (lines: string) => Buffer, dir: string): Promise<number> {
  const { wal } = WriteAheadLog.open(dir);
  // Sized for every row: ids are forgotten only past the capacity, so each round stores all its rows.
  const recent = new RecentIds(REQUESTS * ROWS_PER_REQUEST * 2);
  const start = process.threadCpuUsage();
  for (let first = 0, turn = 1; first < requests.length; first += REQUESTS_PER_TURN, turn += 1) {
    const chunks = requests.slice(first, first + REQUESTS_PER_TURN).map((rows) => encode(requestLines(recent, rows)));
    await append(wal, chunks);
    if (turn % TURNS_PER_SEGMENT === 0) unlinkSync(wal.seal()!.path);
  }
  const used = process.threadCpuUsage(start);
  const last = wal.close();
  if (last) unlinkSync(last.path);
  return (used.user + used.system) / (requests.length * ROWS_PER_REQUEST);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'request-lines-'));
  const perRow: Record<string, number[]> = {};
  try {
    for (let round = -1; round < ROUNDS; round += 1) {
      // New ids every round: a row's key is new to the round's recent ids, as a new request's are.
      const requests = Array.from({ length: REQUESTS }, (_, request) => beaconRows(request));
      const names = Object.keys(ENCODINGS);
      if (round % 2 === 1) names.reverse();
      for (const name of names) {
        const cost = await storeAll(requests, ENCODINGS[name]!, join(dir, name));
        if (round >= 0) (perRow[name] ??= []).push(cost);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`main-thread CPU per row, ${ROWS_PER_REQUEST}-row requests, ${REQUESTS} requests a round, ${ROUNDS} rounds:`);
  for (const [name, values] of Object.entries(perRow)) {
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(`  ${name}: min ${sorted[0]!.toFixed(3)}, median ${median.toFixed(3)}, max ${sorted.at(-1)!.toFixed(3)} us`);
  }
}

await main();
