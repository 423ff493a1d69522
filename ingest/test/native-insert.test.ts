// A batch still in memory reaches the embedded engine as one Native block (pipeline/native-block.ts),
// which it reads far faster than JSON lines; the write-ahead log keeps the JSON lines, and a replay
// of them after a crash is a repeat of the block (the same deduplication token), stored once.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { migrate } from '../src/clickhouse/migrate.js';
import { insertFile, insertNativeFile, writeNativeFile } from '../src/pipeline/batch-insert.js';
import { ColumnBuffers, encodeNativeBlock, type NativeBlock, NativeBlockBuilder } from '../src/pipeline/native-block.js';
import { type EventRow, eventsTable } from '../src/tables/events.js';
import { eventRow } from './support/event-rows.js';
import { beaconEvent, countOf, freshDataDir, postBeacon, testApp } from './support/test-app.js';

const columns = eventsTable.columns!;
const native = eventsTable.native!;

function row(id: string, fields: Partial<EventRow> = {}): EventRow {
  const now = Date.now();
  return eventRow({ ts: now - 1000, event_id: id, session_id: 'native', visitor_id: 'v-native', ...fields }, now);
}

/** Rows that test every column's encoding: unicode, escapes, lengths whose varint takes 1 to 3 bytes, empty and full maps, the ends of each number. */
function awkwardRows(): EventRow[] {
  const now = Date.now();
  return [
    row('plain'),
    row('unicode', { path: '/café/日本語/😀', referrer_host: 'bücher.example', country: 'DE', props: { clé: 'välue 😀', emoji: '🎸' } }),
    row('escapes', {
      path: '/a"b\\c\nd\te\u0001f\u2028g',
      nav_from: "it's",
      nav_to: '\\',
      utm_term: '"quoted"',
      props: { 'a"b': 'c\\d', newline: 'x\ny', empty: '' },
    }),
    row('lengths', {
      path: `/${'p'.repeat(127)}`,
      nav_from: `/${'n'.repeat(128)}`,
      nav_to: `/${'é'.repeat(10_000)}`,
      props: { long: 'v'.repeat(300) },
    }),
    row('numbers-high', { duration_ms: 4_294_967_295, ts: now - 86_400_000 + 1, received_at: now }),
    row('numbers-low', { duration_ms: 0, ts: now, received_at: now + 999 }),
    row('scroll', { type: 'time_spent', duration_ms: 4200, props: { scroll_depth: '75', hand: 'left' } }),
    row('no-ids', { visitor_id: '', session_id: '', props: {} }),
    row('utm', {
      utm_source: 'news',
      utm_medium: 'email',
      utm_campaign: 'spring',
      utm_content: 'c',
      object_id: 'guitar',
      room_id: 'studio',
    }),
  ];
}

async function engine(): Promise<{ client: ClickHouseClient; dir: string }> {
  const dir = freshDataDir();
  const client = await createClickHouse({ url: undefined, dataDir: dir });
  await migrate(client);
  return { client, dir };
}

/** Every column the table stores for these rows, the computed ones too, but the insert's own time. */
async function stored(client: ClickHouseClient, table: string): Promise<unknown[]> {
  const result = await client.query({
    query: `SELECT * EXCEPT (inserted_at), visitor_key, session_key, scroll_depth FROM ${table} ORDER BY event_id`,
    format: 'JSONEachRow',
  });
  return result.json();
}

const jsonLines = (rows: readonly EventRow[]) => `${rows.map((one) => eventsTable.serialize(one)).join('\n')}\n`;

/** The client with every statement it is given written down; the engine behind it is the real one. */
function recording(client: ClickHouseClient): { client: ClickHouseClient; statements: string[] } {
  const statements: string[] = [];
  const wrapped = new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'command' || typeof value !== 'function') return value;
      return (params: { query: string }) => {
        statements.push(params.query);
        return (value as (params: unknown) => unknown).call(target, params);
      };
    },
  });
  return { client: wrapped, statements };
}

/** A block's chunks that hold its columns' values (not its header, nor a column's name and type), in the layout's order. */
function columnChunks(block: NativeBlock): Buffer[] {
  const found: Buffer[] = [];
  let at = 1;
  for (const { type } of native.columns) {
    const pieces = type === 'Map(String, String)' ? 3 : 1;
    found.push(...block.chunks.slice(at + 1, at + 1 + pieces));
    at += 1 + pieces;
  }
  return found;
}

describe('a Native block of events rows', () => {
  it('stores exactly the rows its JSON lines store, every column', async () => {
    const { client, dir } = await engine();
    try {
      const rows = awkwardRows();
      await client.command({ query: 'CREATE TABLE events_from_json AS events' });
      writeFileSync(join(dir, 'rows.native'), encodeNativeBlock(native, rows));
      writeFileSync(join(dir, 'rows.ndjson'), jsonLines(rows));
      await insertNativeFile(client, 'events', join(dir, 'rows.native'), 'native-rows', columns);
      await insertFile(client, 'events_from_json', join(dir, 'rows.ndjson'), 'json-rows', columns);

      const fromNative = await stored(client, 'events');
      expect(fromNative).toHaveLength(rows.length);
      expect(fromNative).toEqual(await stored(client, 'events_from_json'));
      expect(await count(client, "SELECT lengthUTF8(nav_to) AS n FROM events WHERE event_id = 'lengths'")).toBe(10_001);
      const keys = await client.query({
        query: `SELECT visitor_key, session_key, scroll_depth FROM events WHERE event_id IN ('scroll', 'no-ids') ORDER BY event_id`,
        format: 'JSONEachRow',
      });
      const [noIds, scroll] = await keys.json<{ visitor_key: number | string; session_key: number | string; scroll_depth: number }>();
      expect([Number(noIds?.visitor_key), Number(noIds?.session_key)]).toEqual([0, 0]);
      expect(scroll?.scroll_depth).toBe(75);
      expect(Number(scroll?.visitor_key)).not.toBe(0);
    } finally {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is the same block when built in the buffers of a larger batch before it, and writes into that batch's memory", () => {
    const spare = new ColumnBuffers();
    const first = new NativeBlockBuilder(native, spare);
    first.add(awkwardRows());
    first.add(Array.from({ length: 200 }, (_, index) => row(`first-${index}`, { props: { n: String(index) } })));
    const firstBlock = first.build();
    first.release();

    const rows = [row('second-a', { props: { hand: 'left' } }), row('second-b'), row('second-c', { path: '/é' })];
    const second = new NativeBlockBuilder(native, spare);
    second.add(rows.slice(0, 1));
    second.add(rows.slice(1));
    const secondBlock = second.build();
    expect(Buffer.concat(secondBlock.chunks)).toEqual(encodeNativeBlock(native, rows));
    expect(secondBlock.bytes).toBe(encodeNativeBlock(native, rows).length);
    // Each column written where the first batch's was (the same memory), which a builder of its own is not.
    const starts = (block: NativeBlock) => columnChunks(block).map((chunk) => [chunk.buffer, chunk.byteOffset]);
    expect(starts(secondBlock)).toEqual(starts(firstBlock));
    const fresh = new NativeBlockBuilder(native);
    fresh.add(rows);
    const own = starts(fresh.build());
    expect(own.filter(([buffer], index) => buffer === starts(firstBlock)[index]![0])).toEqual([]);
  });

  it('is a repeat of its JSON lines under the same token when the batch is one block, and not when it is two', async () => {
    const { client, dir } = await engine();
    try {
      const rows = Array.from({ length: 40 }, (_, index) => row(`repeat-${index}`));
      writeFileSync(join(dir, 'rows.ndjson'), jsonLines(rows));
      // Built from parts as the writer builds a batch from the rows of several requests.
      const oneBlock = new NativeBlockBuilder(native);
      oneBlock.add(rows.slice(0, 15));
      oneBlock.add(rows.slice(15));
      await writeNativeFile(join(dir, 'one.native'), oneBlock.build());
      await insertNativeFile(client, 'events', join(dir, 'one.native'), 'one-block', columns);
      await insertFile(client, 'events', join(dir, 'rows.ndjson'), 'one-block', columns);
      expect(await count(client, 'SELECT count() AS n FROM events')).toBe(40);
      expect(await count(client, 'SELECT sum(events) AS n FROM events_per_minute')).toBe(40);

      // Why a batch is sent as one block: the token names the insert's blocks in turn.
      await client.command({ query: 'TRUNCATE TABLE events' });
      const twoBlocks = Buffer.concat([encodeNativeBlock(native, rows.slice(0, 15)), encodeNativeBlock(native, rows.slice(15))]);
      writeFileSync(join(dir, 'two.native'), twoBlocks);
      await insertNativeFile(client, 'events', join(dir, 'two.native'), 'two-blocks', columns);
      expect(await count(client, 'SELECT count() AS n FROM events')).toBe(40);
      await insertFile(client, 'events', join(dir, 'rows.ndjson'), 'two-blocks', columns);
      expect(await count(client, 'SELECT count() AS n FROM events')).toBe(80);
    } finally {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function count(client: ClickHouseClient, query: string): Promise<number> {
  const result = await client.query({ query, format: 'JSONEachRow' });
  const [first] = await result.json<{ n: string | number }>();
  return Number(first?.n);
}

describe('the events writer on the embedded engine', () => {
  it('inserts a batch of several requests as one Native block, and its segment replayed after a crash is stored once', async () => {
    const dataDir = freshDataDir();
    const walDir = join(dataDir, 'wal', 'events');
    const kept = join(dataDir, 'kept-segment');
    const first = recording(await createClickHouse({ url: undefined, dataDir }));
    const app = await testApp({ dataDir, batchIntervalMs: 600_000 }, { clickhouse: first.client });
    let segment = '';
    try {
      for (let request = 0; request < 3; request += 1) {
        const events = Array.from({ length: 20 }, (_, index) =>
          beaconEvent({ id: `native-${request}-${index}`, session: 'native-replay', path: `/é/${index}`, props: { n: `${index}` } }),
        );
        expect((await postBeacon(app, { events })).json()).toMatchObject({ accepted: 20 });
      }
      // The segment as a crash after the insert and before its removal leaves it.
      const segments = readdirSync(walDir).filter((name) => name.endsWith('.ndjson'));
      expect(segments).toHaveLength(1);
      segment = segments[0]!;
      copyFileSync(join(walDir, segment), kept);
      expect(await app.pipeline.flush(30_000)).toBe(true);

      const inserts = first.statements.filter((query) => query.startsWith('INSERT INTO events '));
      expect(inserts).toHaveLength(1);
      expect(inserts[0]).toMatch(/FROM INFILE .*insert\.native.* FORMAT Native$/);
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'native-replay'")).toBe(60);
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'native-replay' AND props['n'] != ''")).toBe(60);
      // Nothing left beside the log: the block's file went with its insert.
      expect(readdirSync(walDir)).toEqual([]);
    } finally {
      await app.close();
    }

    mkdirSync(walDir, { recursive: true });
    copyFileSync(kept, join(walDir, segment));
    const second = recording(await createClickHouse({ url: undefined, dataDir }));
    const again = await testApp({ dataDir }, { clickhouse: second.client });
    try {
      expect(await again.pipeline.flush(30_000)).toBe(true);
      const replays = second.statements.filter((query) => query.startsWith('INSERT INTO events '));
      expect(replays).toHaveLength(1);
      expect(replays[0]).toMatch(/FORMAT JSONCompactEachRow$/);
      expect(await countOf(again, "SELECT count() AS n FROM events WHERE session_id = 'native-replay'")).toBe(60);
      expect(await countOf(again, "SELECT sum(events) AS n FROM events_per_minute WHERE site = 'portfolio'")).toBe(60);
    } finally {
      await again.close();
    }
  });

  it('inserts a batch from its segment when its block cannot be written beside it', async () => {
    const dataDir = freshDataDir();
    const { client, statements } = recording(await createClickHouse({ url: undefined, dataDir }));
    const app = await testApp({ dataDir, batchIntervalMs: 600_000 }, { clickhouse: client });
    try {
      app.pipeline.accept('events', [row('unwritable-1'), row('unwritable-2')]);
      // A directory where the block's file goes: its write fails as on a disk that refuses it.
      mkdirSync(join(dataDir, 'wal', 'events', 'insert.native'));
      expect(await app.pipeline.flush(30_000)).toBe(true);

      const inserts = statements.filter((query) => query.startsWith('INSERT INTO events '));
      expect(inserts).toHaveLength(1);
      expect(inserts[0]).toMatch(/FORMAT JSONCompactEachRow$/);
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE event_id LIKE 'unwritable-%'")).toBe(2);
    } finally {
      await app.close();
    }
  });

  it('inserts a batch holding a row the block cannot encode from its JSON lines, where the engine refuses that row alone', async () => {
    const dataDir = freshDataDir();
    const { client, statements } = recording(await createClickHouse({ url: undefined, dataDir }));
    const app = await testApp({ dataDir, batchIntervalMs: 600_000 }, { clickhouse: client });
    try {
      app.pipeline.accept('events', [row('fits-1')]);
      // A negative number in an unsigned column, of the wrong type on purpose: the engine refuses it.
      app.pipeline.accept('events', [row('does-not-fit', { duration_ms: -1 }), row('fits-2')]);
      expect(await app.pipeline.flush(30_000)).toBe(true);

      const inserts = statements.filter((query) => query.startsWith('INSERT INTO events '));
      expect(inserts[0]).toMatch(/FROM INFILE .*\.ndjson' .* FORMAT JSONCompactEachRow$/);
      expect(inserts.some((query) => query.includes('Native'))).toBe(false);
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'native'")).toBe(2);
      expect((await app.inject('/metrics')).body).toContain('footfall_rows_quarantined_total{table="events"} 1');
    } finally {
      await app.close();
    }
  });
});
