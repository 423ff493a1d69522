import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { createClickHouse } from '../src/clickhouse/client.js';
import { MIGRATIONS_DIR, migrate } from '../src/clickhouse/migrate.js';
import { insertFile, insertNativeFile, writeNativeFile } from '../src/pipeline/batch-insert.js';
import { ColumnBuffers, NativeBlockBuilder } from '../src/pipeline/native-block.js';
import { type EventRow, eventsTable } from '../src/tables/events.js';
import { type TraceRow, tracesTable } from '../src/tables/otel-traces.js';
import { eventRow } from '../test/support/event-rows.js';

// `npx tsx ingest/bench/insert-cost.ts`: what the embedded engine spends per row it is given, the
// write path alone (no HTTP, no JavaScript per event): batches of rows as the write-ahead log holds
// them, inserted the way the pipeline inserts a sealed segment, then the engine left until its
// merges are over. CPU is the whole process's (every thread) from the first insert until idle, per
// row: for each table; for `events` with every rollup view attached, with none, and with each view
// detached in turn (which view costs what); and for `events` in small and large batches, which
// splits its cost into a part per insert, whatever its size, and a part per row. Each variant runs
// once per repeat (BENCH_REPEATS), the variants in turn, so load that comes and goes falls on all
// alike; figures are medians with their spread (min to max). The `events` variants named `Native`
// insert the same rows as one Native block a batch (pipeline/native-block.ts), as the writer sends a
// batch still in memory, where the others insert the segment's JSON lines; each variant also prints
// what making its files cost the main thread per row (serialising the lines, or encoding the block
// from the rows' objects 50 rows at a time, as the writer adds each request's rows).
//
// BENCH_VARIANTS (a regular expression) runs only the variants whose name it matches. A column or
// index a migration added is measured by running the bench in turn with BENCH_MIGRATIONS_BEFORE set
// to that migration's number (the schema as it was before it: that migration and the later ones
// left out) and without, as separate processes (the embedded engine holds one store a process).

/** Rows per batch: what BATCH_SIZE makes under heavy load, and what a 1 s interval makes at 2,000 events/s. */
const LARGE_BATCH_ROWS = 20_000;
const SMALL_BATCH_ROWS = 2000;
/** Rows inserted per variant and repeat: the same for both batch sizes, so merges have as much to do. */
const ROWS_PER_VARIANT = Number(process.env.BENCH_ROWS ?? 100_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const VARIANTS = new RegExp(process.env.BENCH_VARIANTS ?? '');
/** Migrations numbered from this one on are left out (`0064`); unset, every migration is applied. */
const MIGRATIONS_BEFORE = process.env.BENCH_MIGRATIONS_BEFORE;
/** The process is idle below this share of one core (the engine ticks at about 0.005). */
const IDLE_CORES = 0.03;
const CLOCK_TICKS_PER_S = 100;

/** The events of a visit, as the bench's beacons send them (bodies.ts), one session per 50 events. */
const SHAPES: Array<Partial<EventRow>> = [
  { type: 'page_view', path: '/room' },
  { type: 'room_enter', room_id: 'studio', path: '/room' },
  { type: 'object_view', object_id: 'guitar', path: '/room' },
  { type: 'object_click', object_id: 'laptop', path: '/room', props: { hand: 'left' } },
  { type: 'navigation', nav_from: '/room', nav_to: '/about', path: '/room' },
  { type: 'time_spent', duration_ms: 4200, path: '/about' },
];

function benchEventRow(batch: number, index: number, now: number): EventRow {
  const session = `s-${batch}-${Math.floor(index / 50) % 1000}`;
  return eventRow(
    { event_id: `e-${batch}-${index.toString(36)}`, session_id: session, visitor_id: `v-${session}`, ...SHAPES[index % SHAPES.length] },
    now,
  );
}

function traceRow(batch: number, index: number, now: number): TraceRow {
  const clicked = index % 2 === 1;
  const time = `${new Date(now).toISOString().slice(0, 19).replace('T', ' ')}.123456789`;
  return {
    Timestamp: time,
    TraceId: `${batch.toString(16).padStart(8, '0')}${Math.floor(index / 100)
      .toString(16)
      .padStart(24, '0')}`,
    SpanId: index.toString(16).padStart(16, '0'),
    ParentSpanId: '',
    TraceState: '',
    SpanName: clicked ? 'object_click' : 'page_view',
    SpanKind: 'SPAN_KIND_INTERNAL',
    ServiceName: 'portfolio-web',
    ResourceAttributes: { 'service.name': 'portfolio-web', 'portfolio.site': 'portfolio' },
    ScopeName: 'bench',
    ScopeVersion: '',
    SpanAttributes: {
      'portfolio.event.type': clicked ? 'object_click' : 'page_view',
      ...(clicked ? { 'portfolio.object.id': 'guitar' } : {}),
      'url.path': '/room',
      'session.id': `s-${batch}-${Math.floor(index / 100)}`,
    },
    Duration: '0',
    StatusCode: 'STATUS_CODE_UNSET',
    StatusMessage: '',
    'Events.Timestamp': [],
    'Events.Name': [],
    'Events.Attributes': [],
    'Links.TraceId': [],
    'Links.SpanId': [],
    'Links.TraceState': [],
    'Links.Attributes': [],
  };
}

interface Cpu {
  all: number;
  main: number;
}

/** CPU seconds of this process: every thread, and the main thread (the JavaScript) alone. */
function cpuSeconds(): Cpu {
  const of = (path: string) => {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  };
  return { all: of('/proc/self/stat'), main: of(`/proc/self/task/${process.pid}/stat`) };
}

/**
 * Waits until the engine has no merge under way and the process stayed idle 3 s in a row; returns
 * the CPU of those idle seconds (the engine's ticks, the check's own query), which a measure takes off.
 */
async function untilIdle(client: ClickHouseClient): Promise<Cpu> {
  let idleWindows = 0;
  let idleSince = cpuSeconds();
  while (idleWindows < 3) {
    const before = cpuSeconds();
    await new Promise((done) => setTimeout(done, 1000));
    const merging = await client.query({ query: 'SELECT count() AS n FROM system.merges', format: 'JSONEachRow' });
    const [row] = await merging.json<{ n: string }>();
    const busy = cpuSeconds().all - before.all >= IDLE_CORES || Number(row?.n) > 0;
    idleWindows = busy ? 0 : idleWindows + 1;
    if (busy) idleSince = cpuSeconds();
  }
  const now = cpuSeconds();
  return { all: now.all - idleSince.all, main: now.main - idleSince.main };
}

/** Rows a request gives the writer at a time, each added to the batch's block. */
const REQUEST_ROWS = 50;

const nativeBuffers = new ColumnBuffers();

/** A batch's file as the writer would have it inserted, in the variant's format. */
async function batchFile(table: 'events' | 'otel_traces', native: boolean, rows: unknown[], path: string): Promise<void> {
  if (!native) {
    const { serialize } = table === 'events' ? eventsTable : tracesTable;
    writeFileSync(path, `${rows.map((row) => serialize(row as never)).join('\n')}\n`);
    return;
  }
  const layout = eventsTable.native!;
  // As the writer does: the buffers of the batch before, the block written in its pieces.
  const builder = new NativeBlockBuilder(layout, nativeBuffers);
  for (let start = 0; start < rows.length; start += REQUEST_ROWS) builder.add(rows.slice(start, start + REQUEST_ROWS) as EventRow[]);
  await writeNativeFile(path, builder.build());
  builder.release();
}

async function insertCost(
  client: ClickHouseClient,
  table: 'events' | 'otel_traces',
  batchRows: number,
  native: boolean,
  dir: string,
  run: string,
): Promise<Cpu> {
  const { columns } = table === 'events' ? eventsTable : tracesTable;
  const make = table === 'events' ? benchEventRow : traceRow;
  const now = Date.now();
  const batches = Math.max(1, Math.round(ROWS_PER_VARIANT / batchRows));
  let encodingCpu = 0;
  const files: string[] = [];
  for (let batch = 0; batch < batches; batch += 1) {
    const path = join(dir, `${table}-${run}-${batch}.${native ? 'native' : 'ndjson'}`);
    const rows: unknown[] = [];
    for (let index = 0; index < batchRows; index += 1) rows.push(make(batch, index, now));
    const encodeStart = process.cpuUsage();
    await batchFile(table, native, rows, path);
    const used = process.cpuUsage(encodeStart);
    encodingCpu += used.user + used.system;
    files.push(path);
  }
  console.log(`  ${run}: files made in ${(encodingCpu / (batches * batchRows)).toFixed(2)} µs/row of the main thread (writes included)`);
  await untilIdle(client);
  const before = cpuSeconds();
  const started = Date.now();
  for (const [batch, path] of files.entries()) {
    const token = `bench-${run}-${batch}`;
    if (native) await insertNativeFile(client, table, path, token, columns!);
    else await insertFile(client, table, path, token, columns);
  }
  const insertedMs = Date.now() - started;
  const afterInserts = cpuSeconds();
  const idle = await untilIdle(client);
  const idleAt = cpuSeconds();
  const after = { all: idleAt.all - idle.all, main: idleAt.main - idle.main };
  for (const path of files) rmSync(path);
  const rows = batches * batchRows;
  console.log(
    `  ${run}: inserts ${(((afterInserts.all - before.all) * 1e6) / rows).toFixed(1)} µs/row in ${insertedMs} ms, with merges ${(((after.all - before.all) * 1e6) / rows).toFixed(1)} µs/row`,
  );
  return { all: ((after.all - before.all) * 1e6) / rows, main: ((after.main - before.main) * 1e6) / rows };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: number[]) =>
  `${median(values).toFixed(1)} µs (${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)})`;

/** The migrations folder to apply: the service's, or a copy of its files numbered before MIGRATIONS_BEFORE. */
function migrationsDir(parent: string): string {
  if (MIGRATIONS_BEFORE === undefined) return MIGRATIONS_DIR;
  const dir = join(parent, 'migrations');
  mkdirSync(dir);
  for (const file of readdirSync(MIGRATIONS_DIR).filter((name) => name < MIGRATIONS_BEFORE))
    copyFileSync(join(MIGRATIONS_DIR, file), join(dir, file));
  return dir;
}

const dataDir = mkdtempSync(join(tmpdir(), 'footfall-insert-cost-'));
try {
  const client = await createClickHouse({ url: undefined, dataDir });
  const applied = await migrate(client, migrationsDir(dataDir));
  const viewsResult = await client.query({
    // Every view of this schema reads `events`, or a rollup fed from it.
    query: `SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView' ORDER BY name`,
    format: 'JSONEachRow',
  });
  const views = (await viewsResult.json<{ name: string }>()).map(({ name }) => name);
  console.log(`${ROWS_PER_VARIANT} rows per variant, ${REPEATS} repeats; migrations up to ${applied.at(-1)}; views: ${views.join(', ')}`);
  const large = LARGE_BATCH_ROWS.toLocaleString('en');
  const small = SMALL_BATCH_ROWS.toLocaleString('en');
  interface Variant {
    name: string;
    table: 'events' | 'otel_traces';
    rows: number;
    detached: string[];
    native?: boolean;
  }
  const everyVariant: Variant[] = [
    { name: `events, every view, batches of ${large}`, table: 'events', rows: LARGE_BATCH_ROWS, detached: [] },
    { name: `events, every view, batches of ${small}`, table: 'events', rows: SMALL_BATCH_ROWS, detached: [] },
    { name: `events, no view, batches of ${large}`, table: 'events', rows: LARGE_BATCH_ROWS, detached: views },
    { name: `events, no view, batches of ${small}`, table: 'events', rows: SMALL_BATCH_ROWS, detached: views },
    { name: `events Native, every view, batches of ${large}`, table: 'events', rows: LARGE_BATCH_ROWS, detached: [], native: true },
    { name: `events Native, every view, batches of ${small}`, table: 'events', rows: SMALL_BATCH_ROWS, detached: [], native: true },
    { name: `events Native, no view, batches of ${large}`, table: 'events', rows: LARGE_BATCH_ROWS, detached: views, native: true },
    { name: `events Native, no view, batches of ${small}`, table: 'events', rows: SMALL_BATCH_ROWS, detached: views, native: true },
    ...views.map((view) => ({ name: `events without ${view}`, table: 'events' as const, rows: LARGE_BATCH_ROWS, detached: [view] })),
    { name: `otel_traces, batches of ${large}`, table: 'otel_traces', rows: LARGE_BATCH_ROWS, detached: [] },
  ];
  const variants = everyVariant.filter(({ name }) => VARIANTS.test(name));
  const results = new Map<string, Cpu[]>();
  let run = 0;
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    for (const variant of variants) {
      for (const view of variant.detached) await client.command({ query: `DETACH TABLE ${view}` });
      console.log(variant.name);
      const cost = await insertCost(client, variant.table, variant.rows, variant.native === true, dataDir, String((run += 1)));
      for (const view of variant.detached) await client.command({ query: `ATTACH TABLE ${view}` });
      results.set(variant.name, [...(results.get(variant.name) ?? []), cost]);
    }
  }
  console.log('\n| insert | CPU per row, every thread, until idle | main thread |\n| --- | ---: | ---: |');
  for (const [name, costs] of results) {
    console.log(`| ${name} | ${spread(costs.map(({ all }) => all))} | ${spread(costs.map(({ main }) => main))} |`);
  }
  // Per insert F and per row r, from CPU per row c = F / n + r at both batch sizes (medians).
  const split = (largeName: string, smallName: string) => {
    const [largeCost, smallCost] = [largeName, smallName].map((name) => median(results.get(name)!.map(({ all }) => all))) as [
      number,
      number,
    ];
    const perRow = (largeCost * LARGE_BATCH_ROWS - smallCost * SMALL_BATCH_ROWS) / (LARGE_BATCH_ROWS - SMALL_BATCH_ROWS);
    return `about ${perRow.toFixed(1)} µs per row and ${(((smallCost - perRow) * SMALL_BATCH_ROWS) / 1000).toFixed(0)} ms per insert, whatever its size`;
  };
  console.log('');
  for (const format of ['events', 'events Native']) {
    for (const kind of ['every view', 'no view']) {
      const [largeName, smallName] = [`${format}, ${kind}, batches of ${large}`, `${format}, ${kind}, batches of ${small}`];
      if (results.has(largeName) && results.has(smallName)) console.log(`${format}, ${kind}: ${split(largeName, smallName)}`);
    }
  }
  await client.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
