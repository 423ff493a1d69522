// How one batch reaches ClickHouse. The embedded engine reads the sealed write-ahead-log segment
// itself (INSERT ... FROM INFILE): the rows never pass through JavaScript strings, and the engine
// parses them on its own threads, about three times as fast as the same rows sent inline; a batch
// whose rows are still in memory it reads as a Native block from a file beside the segment, which
// it reads faster still (native-block.ts). A server cannot read this machine's files, so it gets
// the rows as the body of an HTTP insert.
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { NativeBlock } from './native-block.js';

/**
 * The settings every insert carries, in the statement itself (never as session-wide SET, which the
 * embedded engine would keep for the next statements). The same rows sent again (a retry after a
 * timeout, a replay after a crash) are stored once, in the table and in the rollups fed from it.
 */
function settingsClause(token: string): string {
  return `SETTINGS insert_deduplication_token = ${quoted(token)}, deduplicate_blocks_in_dependent_materialized_views = 1`;
}

/**
 * What a batch's lines are: JSON arrays of these columns in this order (JSONCompactEachRow), or
 * JSON objects naming their columns (JSONEachRow) when undefined.
 */
export type LineColumns = readonly string[] | undefined;

/** The table, with the columns of array lines, and the format that reads the lines. */
function target(table: string, columns: LineColumns): string {
  if (!columns) return table;
  return `${table} (${columns.map((column) => `\`${column}\``).join(', ')})`;
}

function formatOf(columns: LineColumns): string {
  return columns ? 'JSONCompactEachRow' : 'JSONEachRow';
}

/** The file's JSON lines, read by the embedded engine (the same format, defaults and checks as an inline insert). */
export async function insertFile(
  client: ClickHouseClient,
  table: string,
  path: string,
  token: string,
  columns?: LineColumns,
): Promise<void> {
  await client.command({
    query: `INSERT INTO ${target(table, columns)} FROM INFILE ${quoted(path)} ${settingsClause(token)} FORMAT ${formatOf(columns)}`,
  });
}

/**
 * A Native block of the batch's rows (native-block.ts), read by the embedded engine from its file,
 * with the batch's own token: the JSON segment replayed after a crash is a repeat of it, stored
 * once. A file, not the body: the embedded engine's adapter makes a body text (UTF-8), which a
 * binary block does not survive.
 */
export async function insertNativeFile(
  client: ClickHouseClient,
  table: string,
  path: string,
  token: string,
  columns: readonly string[],
): Promise<void> {
  await client.command({
    query: `INSERT INTO ${target(table, columns)} FROM INFILE ${quoted(path)} ${settingsClause(token)} FORMAT Native`,
  });
}

/**
 * A Native block into its file, its pieces one after another in one call (never joined into one
 * buffer first: native-block.ts). Throws when the disk took less than all of it.
 */
export async function writeNativeFile(path: string, block: NativeBlock): Promise<void> {
  const file = await open(path, 'w');
  try {
    const { bytesWritten } = await file.writev(block.chunks);
    if (bytesWritten !== block.bytes) throw new Error(`wrote ${bytesWritten} of the block's ${block.bytes} bytes`);
  } finally {
    await file.close();
  }
}

/** JSON lines sent as the body of the insert. */
export async function insertLines(
  client: ClickHouseClient,
  table: string,
  lines: Buffer | readonly Buffer[],
  token: string,
  columns?: LineColumns,
): Promise<void> {
  const result = await client.exec({
    query: `INSERT INTO ${target(table, columns)} ${settingsClause(token)} FORMAT ${formatOf(columns)}`,
    values: Readable.from(Buffer.isBuffer(lines) ? [lines] : lines, { objectMode: false }),
  });
  result.stream.destroy();
}

/** A ClickHouse string literal. */
function quoted(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
