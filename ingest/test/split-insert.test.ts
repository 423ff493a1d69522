// The halving of a refused batch (pipeline/split-insert.ts) against the real embedded engine:
// which inserts it makes and under which tokens, which rows it returns as refused (exactly, each
// without its newline), and what ClickHouse stores, counted. Rows are refused for real reasons, as
// in batch-split.test.ts: a time that is not a time and a negative number in an unsigned column.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFile, insertLines } from '../src/pipeline/batch-insert.js';
import { isDataError } from '../src/pipeline/clickhouse-errors.js';
import { type InsertLines, insertSplittingRefusedRows } from '../src/pipeline/split-insert.js';
import { testApp } from './support/test-app.js';

type App = Awaited<ReturnType<typeof testApp>>;

let app: App;
let scratch: string;

beforeAll(async () => {
  app = await testApp();
  scratch = mkdtempSync(join(tmpdir(), 'footfall-split-'));
});

afterAll(async () => {
  await app?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** One events row as JSON text (no newline); `session` keeps each test's rows apart. */
function row(session: string, id: string, fields: Record<string, unknown> = {}): string {
  const now = Date.now();
  return JSON.stringify({
    site: 'portfolio',
    type: 'page_view',
    ts: now,
    event_id: id,
    session_id: session,
    path: '/',
    received_at: now,
    ...fields,
  });
}

const refusedTime = (session: string, id: string) => row(session, id, { ts: 'not a time at all' });
const refusedNumber = (session: string, id: string) => row(session, id, { duration_ms: -5 });

/** The lines of a batch as the log holds them: each ending in a newline. */
const body = (lines: string[]) => Buffer.from(lines.map((line) => `${line}\n`).join(''));

/**
 * The insert the table writer gives the halving: a real insert into `events`, 'written' or
 * 'refused for its data' as ClickHouse answers. It records each call, so the parts and their
 * tokens can be checked.
 */
function recordingInsert(): { insert: InsertLines; calls: Array<{ rows: number; token: string }> } {
  const calls: Array<{ rows: number; token: string }> = [];
  const insert: InsertLines = async (part, rows, token) => {
    calls.push({ rows, token });
    try {
      await insertLines(app.clickhouse, 'events', part, token);
      return 'written';
    } catch (error) {
      if (isDataError(error)) return 'refused for its data';
      throw error;
    }
  };
  return { insert, calls };
}

async function stored(session: string): Promise<string[]> {
  const result = await app.clickhouse.query({
    query: `SELECT event_id FROM events WHERE session_id = {session:String} ORDER BY event_id`,
    query_params: { session },
    format: 'JSONEachRow',
  });
  return (await result.json<{ event_id: string }>()).map((stored) => stored.event_id);
}

const text = (lines: Buffer[]) => lines.map((line) => line.toString('utf8'));

describe('insertSplittingRefusedRows on the embedded engine', () => {
  it('writes a batch ClickHouse takes with one insert under the batch token, and returns nothing', async () => {
    const { insert, calls } = recordingInsert();
    const lines = ['g0', 'g1', 'g2', 'g3'].map((id) => row('whole', id));
    // No fourth argument: by default nobody has sent the batch yet, so it is sent whole first.
    expect(await insertSplittingRefusedRows(body(lines), 'whole-T', insert)).toEqual([]);
    expect(calls).toEqual([{ rows: 4, token: 'whole-T' }]);
    expect(await stored('whole')).toEqual(['g0', 'g1', 'g2', 'g3']);
  });

  it('is recognised by ClickHouse when the batch was written whole from its segment before', async () => {
    const { insert, calls } = recordingInsert();
    const batch = body(['r0', 'r1', 'r2'].map((id) => row('replayed', id)));
    // The first attempt: the segment read by the engine itself, under the batch's token.
    const segment = join(scratch, 'replayed.ndjson');
    writeFileSync(segment, batch);
    await insertFile(app.clickhouse, 'events', segment, 'replayed-T');
    expect(await stored('replayed')).toEqual(['r0', 'r1', 'r2']);
    // The same batch again (a replay after a crash): sent whole under the same token, so stored once.
    expect(await insertSplittingRefusedRows(batch, 'replayed-T', insert)).toEqual([]);
    expect(calls).toEqual([{ rows: 3, token: 'replayed-T' }]);
    expect(await stored('replayed')).toEqual(['r0', 'r1', 'r2']);
  });

  it('halves a batch refused whole until the refused rows stand alone, and writes every other row once', async () => {
    const { insert, calls } = recordingInsert();
    const badTime = refusedTime('halved', 'b2');
    const badNumber = refusedNumber('halved', 'b6');
    const lines = [
      row('halved', 'g0'),
      row('halved', 'g1'),
      badTime,
      row('halved', 'g3'),
      row('halved', 'g4'),
      row('halved', 'g5'),
      badNumber,
      row('halved', 'g7'),
    ];
    // The caller already sent the batch whole and it was refused: the halving starts at once.
    const refused = await insertSplittingRefusedRows(body(lines), 'halved-T', insert, true);
    expect(text(refused)).toEqual([badTime, badNumber]);
    // The same halves on every attempt, each part named by its row range: a replay is recognised.
    expect(calls).toEqual(
      [
        [4, '0-4'],
        [2, '0-2'],
        [2, '2-4'],
        [1, '2-3'],
        [1, '3-4'],
        [4, '4-8'],
        [2, '4-6'],
        [2, '6-8'],
        [1, '6-7'],
        [1, '7-8'],
      ].map(([rows, range]) => ({ rows, token: `halved-T-rows-${range}` })),
    );
    expect(await stored('halved')).toEqual(['g0', 'g1', 'g3', 'g4', 'g5', 'g7']);

    // Replayed after a crash: every part written before is recognised; nothing is stored twice.
    const again = recordingInsert();
    expect(text(await insertSplittingRefusedRows(body(lines), 'halved-T', again.insert, true))).toEqual([badTime, badNumber]);
    expect(await stored('halved')).toEqual(['g0', 'g1', 'g3', 'g4', 'g5', 'g7']);
  });

  it('sends a batch whole first when nobody has, and halves it once ClickHouse refuses it', async () => {
    const { insert, calls } = recordingInsert();
    const bad = refusedNumber('first-whole', 'b0');
    const lines = [bad, row('first-whole', 'g1'), row('first-whole', 'g2')];
    expect(text(await insertSplittingRefusedRows(body(lines), 'first-whole-T', insert))).toEqual([bad]);
    expect(calls).toEqual([
      { rows: 3, token: 'first-whole-T' },
      { rows: 2, token: 'first-whole-T-rows-0-2' },
      { rows: 1, token: 'first-whole-T-rows-0-1' },
      { rows: 1, token: 'first-whole-T-rows-1-2' },
      { rows: 1, token: 'first-whole-T-rows-2-3' },
    ]);
    expect(await stored('first-whole')).toEqual(['g1', 'g2']);
  });

  it('takes the last line of a body that does not end in a newline as a row, and returns it whole', async () => {
    const { insert, calls } = recordingInsert();
    const bad = refusedTime('no-newline', 'b1');
    const batch = Buffer.from(`${row('no-newline', 'g0')}\n${bad}`);
    expect(text(await insertSplittingRefusedRows(batch, 'no-newline-T', insert))).toEqual([bad]);
    expect(calls).toEqual([
      { rows: 2, token: 'no-newline-T' },
      { rows: 1, token: 'no-newline-T-rows-0-1' },
      { rows: 1, token: 'no-newline-T-rows-1-2' },
    ]);
    expect(await stored('no-newline')).toEqual(['g0']);

    // And a good last line without a newline is written with the others.
    const good = recordingInsert();
    const goodBatch = Buffer.from(`${row('no-newline-good', 'g0')}\n${row('no-newline-good', 'g1')}`);
    expect(await insertSplittingRefusedRows(goodBatch, 'no-newline-good-T', good.insert)).toEqual([]);
    expect(good.calls).toEqual([{ rows: 2, token: 'no-newline-good-T' }]);
    expect(await stored('no-newline-good')).toEqual(['g0', 'g1']);
  });

  it('makes no insert for an empty batch', async () => {
    const { insert, calls } = recordingInsert();
    expect(await insertSplittingRefusedRows(Buffer.alloc(0), 'empty-T', insert)).toEqual([]);
    expect(await insertSplittingRefusedRows(Buffer.alloc(0), 'empty-T', insert, true)).toEqual([]);
    expect(calls).toEqual([]);
  });
});
