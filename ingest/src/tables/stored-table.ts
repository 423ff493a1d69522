// What the pipeline knows of a table it writes: each table describes itself in one file of this
// folder, and the pipeline takes its tables from index.ts.

import type { NativeLayout } from '../pipeline/native-block.js';

export interface StoredTable<Row> {
  name: string;
  /** What recognises a row when it is sent again; the same for a row accepted now and one replayed from the log. */
  keyOf(row: Row): string;
  /**
   * The columns of a line, in order, when the table's lines are JSON arrays (JSONCompactEachRow);
   * undefined when they are JSON objects (JSONEachRow). Arrays are cheaper to write and for the
   * engine to read (it parses 1.4 µs less per `events` row, no column named on every line).
   * A column is only ever added at the end: a segment logged before it holds shorter lines and
   * is inserted with the columns its lines hold.
   */
  columns?: readonly string[];
  /** The row as one line: a JSON array of `columns` when the table has them, a JSON object otherwise. */
  serialize(row: Row): string;
  /**
   * The same columns as `columns`, in the same order, with their types in a Native block and a
   * row's values: when given, the embedded engine is sent a batch still in memory as Native
   * (pipeline/native-block.ts), which it reads far faster than the batch's JSON lines; the lines
   * stay the log.
   */
  native?: NativeLayout<Row>;
  /**
   * A SELECT of `key` (as keyOf makes it) and `at` for the rows stored in the last 25 hours:
   * events older than 24 hours are refused anyway, so a re-send is recognised after a restart.
   */
  recentKeys: string;
}
