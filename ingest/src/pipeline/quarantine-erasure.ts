/**
 * Erasure in the quarantine: the rows ClickHouse refused for their data are set aside on disk
 * (`<table>/rejected/*.ndjson` under the write-ahead log, wal.ts), where they stay for a person to
 * look at. A person's rows there are removed by the keys erasure collects, as the tables are:
 * - events: by visitor id and by session id;
 * - otel_traces and otel_logs: by `session.id` (on the item or its resource) and by trace id;
 * - metric_points: by `session.id` among a point's attributes.
 * Each file holding such a row is rewritten whole (a new file, fsync, rename, fsync of the folder),
 * so a crash leaves either the old file or the new one, never half of either.
 */
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TABLE_NAMES, type TableName } from '../tables/index.js';

/** The keys of one person, as erasure/erasure.ts collects them. */
export interface QuarantineKeys {
  visitors: readonly string[];
  sessions: readonly string[];
  traces: readonly string[];
}

const QUARANTINED = /^\d{20}\.ndjson$/;
/** A rewrite not yet renamed: what a crash in the middle leaves, removed by the next erasure. */
const REWRITE_SUFFIX = '.erasing';
const NEWLINE = 0x0a;

type Row = Record<string, unknown>;
type Sets = { visitors: Set<string>; sessions: Set<string>; traces: Set<string> };

const sessionOf = (map: unknown): unknown => (typeof map === 'object' && map !== null ? (map as Row)['session.id'] : undefined);
const has = (set: Set<string>, value: unknown): boolean => typeof value === 'string' && set.has(value);

/** Whether a quarantined row of `table` names the person: the WHERE clauses of erasure.ts, on one row. */
const NAMES_PERSON: Record<TableName, (row: Row, keys: Sets) => boolean> = {
  events: (row, { visitors, sessions }) => has(visitors, row.visitor_id) || has(sessions, row.session_id),
  otel_traces: (row, { sessions, traces }) =>
    has(sessions, sessionOf(row.SpanAttributes)) || has(sessions, sessionOf(row.ResourceAttributes)) || has(traces, row.TraceId),
  metric_points: (row, { sessions }) => has(sessions, sessionOf(row.attributes)),
  otel_logs: (row, { sessions, traces }) =>
    has(sessions, sessionOf(row.LogAttributes)) || has(sessions, sessionOf(row.ResourceAttributes)) || has(traces, row.TraceId),
};

/**
 * Erases in the quarantine of the write-ahead log in `walDir`; one erasure at a time, so two
 * rewrites of one file never cross (the second would bring back what the first removed).
 */
export class QuarantineEraser {
  #running: Promise<unknown> = Promise.resolve();

  constructor(private readonly walDir: string) {}

  /** Removes every quarantined row that names one of the keys; resolves to how many were removed. */
  erase(keys: QuarantineKeys): Promise<number> {
    const run = this.#running.catch(() => undefined).then(() => this.#erase(keys));
    this.#running = run;
    return run;
  }

  async #erase(keys: QuarantineKeys): Promise<number> {
    // Empty ids are those of anonymised rows (Do Not Track): they tie nothing to anyone.
    const nonEmpty = (ids: readonly string[]) => new Set(ids.filter((id) => id !== ''));
    const sets = { visitors: nonEmpty(keys.visitors), sessions: nonEmpty(keys.sessions), traces: nonEmpty(keys.traces) };
    if (sets.visitors.size + sets.sessions.size + sets.traces.size === 0) return 0;
    let removed = 0;
    for (const table of TABLE_NAMES) {
      const dir = join(this.walDir, table, 'rejected');
      const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      for (const name of names) {
        if (name.endsWith(REWRITE_SUFFIX)) await unlink(join(dir, name));
        else if (QUARANTINED.test(name)) removed += await eraseInFile(dir, name, (row) => NAMES_PERSON[table](row, sets), sets);
      }
    }
    return removed;
  }
}

/** Rewrites one quarantined file without the person's lines; returns how many lines went. */
async function eraseInFile(dir: string, name: string, namesPerson: (row: Row) => boolean, sets: Sets): Promise<number> {
  const path = join(dir, name);
  const body = await readFile(path);
  const kept: Buffer[] = [];
  let removed = 0;
  for (let start = 0; start < body.length; ) {
    const end = body.indexOf(NEWLINE, start);
    const stop = end === -1 ? body.length : end + 1;
    const line = body.subarray(start, stop);
    start = stop;
    if (lineNamesPerson(line, namesPerson, sets)) removed += 1;
    else kept.push(line);
  }
  if (removed === 0) return 0;
  if (kept.length === 0) await unlink(path);
  else {
    const partial = `${path}${REWRITE_SUFFIX}`;
    const file = await open(partial, 'w');
    try {
      await file.writev(kept);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(partial, path);
  }
  // The rename (or unlink) itself must reach the disk: a power cut must not bring the rows back.
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
  return removed;
}

/**
 * A quarantined line is a JSON object naming its columns (table-writer.ts). A line that is not
 * one (written by hand, or unreadable: refused rows can be odd) is searched for any key as a JSON
 * string instead: a line holding the person's id goes, whatever its shape.
 */
function lineNamesPerson(line: Buffer, namesPerson: (row: Row) => boolean, sets: Sets): boolean {
  const text = line.toString('utf8');
  if (text.trim() === '') return false;
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch {
    row = undefined;
  }
  if (typeof row === 'object' && row !== null && !Array.isArray(row)) return namesPerson(row as Row);
  for (const set of [sets.visitors, sets.sessions, sets.traces]) {
    for (const key of set) if (text.includes(JSON.stringify(key))) return true;
  }
  return false;
}
