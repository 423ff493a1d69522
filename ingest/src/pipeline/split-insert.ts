/**
 * Writes one batch so that a row ClickHouse refuses for its data costs only itself: the batch is
 * halved, and each half halved again, until the refused rows stand alone; every other row is
 * written. Defence in depth behind the well-formed text of every accepted row: whatever else a row
 * could carry that ClickHouse does not take must not sink the rows of other visitors.
 *
 * Each part is one insert with its own deduplication token, made from the batch's token and the
 * part's row range. The halving is the same on every attempt, so when the process dies mid-split
 * and the batch is replayed from the write-ahead log, the parts written before are recognised by
 * ClickHouse and stored once.
 */

/** What one insert came to. An insert that fails for any other reason (ClickHouse away) is retried by `insert` itself. */
export type InsertOutcome = 'written' | 'refused for its data';

/** Inserts `rows` JSON lines (each ending in a newline) with the given deduplication token. */
export type InsertLines = (body: Buffer, rows: number, token: string) => Promise<InsertOutcome>;

/**
 * Writes the batch `body` (JSON lines) and returns the lines ClickHouse refused, each without its
 * newline; an empty list when everything was written. `wholeRefused` says the caller already sent
 * the whole batch (with the batch's token) and ClickHouse refused it: the halving starts at once.
 */
export async function insertSplittingRefusedRows(
  body: Buffer,
  token: string,
  insert: InsertLines,
  wholeRefused = false,
): Promise<Buffer[]> {
  const starts = lineStarts(body);
  const rows = starts.length - 1;
  const refused: Buffer[] = [];
  const write = async (first: number, end: number): Promise<void> => {
    const part = body.subarray(starts[first]!, starts[end]!);
    // The whole batch keeps the batch's own token, so a batch written whole is recognised as before.
    const whole = first === 0 && end === rows;
    const partToken = whole ? token : `${token}-rows-${first}-${end}`;
    if (!(whole && wholeRefused) && (await insert(part, end - first, partToken)) === 'written') return;
    if (end - first === 1) {
      refused.push(part.at(-1) === 0x0a ? part.subarray(0, part.length - 1) : part);
      return;
    }
    const middle = first + Math.ceil((end - first) / 2);
    await write(first, middle);
    await write(middle, end);
  };
  if (rows > 0) await write(0, rows);
  return refused;
}

/** Offsets where each line starts, and one past the end: line i is [starts[i], starts[i + 1]). */
function lineStarts(body: Buffer): number[] {
  const starts = [0];
  for (let index = body.indexOf(0x0a); index !== -1; index = body.indexOf(0x0a, index + 1)) starts.push(index + 1);
  // A body always ends with a newline (the log holds whole lines only); the last start is its end.
  if (starts.at(-1) !== body.length) starts.push(body.length);
  return starts;
}
