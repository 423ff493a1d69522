// What the pipeline knows of a table it writes: each table describes itself in one file of this
// folder, and the pipeline takes its tables from index.ts.

export interface StoredTable<Row> {
  name: string;
  /** What recognises a row when it is sent again; the same for a row accepted now and one replayed from the log. */
  keyOf(row: Row): string;
  /** The row as one JSONEachRow line. */
  serialize(row: Row): string;
  /**
   * A SELECT of `key` (as keyOf makes it) and `at` for the rows stored in the last 25 hours:
   * events older than 24 hours are refused anyway, so a re-send is recognised after a restart.
   */
  recentKeys: string;
}
