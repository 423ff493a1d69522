// Rows as one block of ClickHouse's `Native` format, the engine's own columnar layout: it reads an
// `events` row so in about 0.2 µs where it parses the same row's JSON line in 3.2 (into a `Null`
// table; with the conversions below and the table's parts, about 3 µs a row less in all:
// ingest/bench/insert-cost.ts). Written by hand: no npm package encodes Native (the official
// client and chdb read and write text formats; chdb's raw insert takes JSON, CSV and TSV only),
// and the few column types the tables need take a page.
//
// A block is: the number of columns and of rows (varints), then per column its name, its type
// (strings: a varint length, then UTF-8 bytes) and its values, column by column. String: each a
// varint length and its bytes. UInt32: 4 bytes little-endian. DateTime64(3): the milliseconds as
// an Int64, little-endian. Map(String, String): an Array(Tuple(String, String)), that is the rows'
// cumulative entry counts as UInt64, then every key, then every value. The engine converts a
// column to the table's type on the way in (`input_format_native_allow_types_conversion`, on by
// default): String to LowCardinality(String), Map(String, String) to Map(LowCardinality(String), String).
//
// A batch's rows are encoded into one growing buffer per column as they come, byte by byte for
// ASCII text (a JavaScript loop beats a Buffer write per value, a native call each). The block is
// those buffers one after another, written to its file as they are (never joined into one), and
// the buffers serve the table's next batch once the block was inserted (ColumnBuffers).

/** The column types this encoder writes, as the block names them. */
export type NativeType = 'String' | 'UInt32' | "DateTime64(3, 'UTC')" | 'Map(String, String)';

export interface NativeColumn {
  name: string;
  type: NativeType;
}

/** A table's block: its columns, and a row's values in their order. */
export interface NativeLayout<Row> {
  columns: readonly NativeColumn[];
  values(row: Row): readonly unknown[];
}

/**
 * Thrown when a value does not fit its column's type (a string where a number goes, a fraction, a
 * number out of range): the rows are then inserted as their JSON lines, which the engine checks
 * (and refuses, when it must, row by row: split-insert.ts).
 */
export class NotEncodable extends Error {}

const TWO_TO_32 = 2 ** 32;
const UINT32_MAX = TWO_TO_32 - 1;
/** The largest whole number a JavaScript number holds exactly (JSON would write a larger one as 1e+21). */
const MS_LIMIT = Number.MAX_SAFE_INTEGER;
/** A first guess of a column's bytes in a batch; a writer doubles when it is short. */
const FIRST_COLUMN_BYTES = 16 * 1024;
/** Sets of column buffers kept for later batches: the one of the batch just inserted serves the batch after the one filling. */
const SPARE_SETS = 1;

/** A block's bytes in pieces, in order: each column's buffer as it was written. */
export interface NativeBlock {
  chunks: Buffer[];
  bytes: number;
}

/** A map column being built: its offsets (in `NativeBlockBuilder.writers`), its keys and its values. */
interface MapColumn {
  keys: ByteWriter;
  values: ByteWriter;
  /** Entries so far: an Array column's offsets count them from the block's first row. */
  entries: number;
}

/**
 * A batch's Native block, built column by column as its rows come (each request's rows once the
 * log holds them), and made one block when the batch is sealed: a batch must reach the engine as
 * one block, since its deduplication token names the insert's blocks in turn (two blocks of the
 * same rows are not a repeat of one). A few growing buffers for the whole batch, where a buffer
 * per request kept dozens of small objects alive until the batch was written.
 */
export class NativeBlockBuilder<Row> {
  private rows = 0;
  private readonly set: ColumnSet;

  /** `spare`: buffers of earlier batches to write into, and to give back to once the block is no longer needed (release). */
  constructor(
    private readonly layout: NativeLayout<Row>,
    private readonly spare?: ColumnBuffers,
  ) {
    this.set = spare?.take(layout) ?? newColumnSet(layout);
  }

  private get writers(): ByteWriter[] {
    return this.set.writers;
  }

  private get maps(): Array<MapColumn | undefined> {
    return this.set.maps;
  }

  /**
   * Adds the rows at the end. Throws NotEncodable when a value does not fit its type, and the
   * builder is then of no more use (some columns hold the rows, others not).
   */
  add(rows: readonly Row[]): void {
    const values = rows.map((row) => this.layout.values(row));
    for (const [index, { type }] of this.layout.columns.entries()) {
      const out = this.writers[index]!;
      if (type === 'String') {
        out.strings(values, index);
      } else if (type === 'UInt32') {
        for (const row of values) out.uint32(row[index]);
      } else if (type === "DateTime64(3, 'UTC')") {
        for (const row of values) out.int64(row[index]);
      } else {
        const map = this.maps[index]!;
        map.entries = map.keys.mapKeys(values, index, out, map.entries);
        map.values.mapValues(values, index);
      }
    }
    this.rows += rows.length;
  }

  /** The rows added so far as one block, in pieces that stay this builder's until release(). */
  build(): NativeBlock {
    const { columns } = this.layout;
    const header = new ByteWriter(64);
    header.varint(columns.length);
    header.varint(this.rows);
    const chunks: Buffer[] = [header.bytes()];
    for (const [index, column] of columns.entries()) {
      const names = new ByteWriter(64);
      names.string(column.name);
      names.string(column.type);
      chunks.push(names.bytes(), this.writers[index]!.bytes());
      const map = this.maps[index];
      if (map) chunks.push(map.keys.bytes(), map.values.bytes());
    }
    return { chunks, bytes: chunks.reduce((sum, chunk) => sum + chunk.length, 0) };
  }

  /** Its buffers back to `spare` for a later batch: the block built is no longer read. */
  release(): void {
    this.spare?.giveBack(this.set);
  }
}

/** The rows as one Native block in one buffer; throws NotEncodable when a value does not fit its type. */
export function encodeNativeBlock<Row>(layout: NativeLayout<Row>, rows: readonly Row[]): Buffer {
  const builder = new NativeBlockBuilder(layout);
  builder.add(rows);
  return Buffer.concat(builder.build().chunks);
}

/** One batch's column buffers: a writer per column, and a map column's keys and values. */
interface ColumnSet {
  writers: ByteWriter[];
  maps: Array<MapColumn | undefined>;
}

function newColumnSet(layout: NativeLayout<unknown>): ColumnSet {
  return {
    writers: layout.columns.map(() => new ByteWriter(FIRST_COLUMN_BYTES)),
    maps: layout.columns.map(({ type }) =>
      type === 'Map(String, String)'
        ? { keys: new ByteWriter(FIRST_COLUMN_BYTES), values: new ByteWriter(FIRST_COLUMN_BYTES), entries: 0 }
        : undefined,
    ),
  };
}

/**
 * A table's column buffers kept from one batch for the next, each set as its columns grew. Why:
 * a new batch's buffers start small and double, and every buffer is fresh memory (the service maps
 * each block of 16 KiB and more on its own: runtime-memory.ts), so the pages a batch wrote were
 * faulted in anew each time, and joining the columns into one buffer did it once more: 20,000
 * `events` rows cost 3.9 to 4.6 µs of CPU a row (1.7 of it in the kernel) to encode, against 1.3
 * with malloc's defaults. The writer lets them go when it has nothing left to write (clear), so
 * a service at rest holds none.
 */
export class ColumnBuffers {
  private readonly sets: ColumnSet[] = [];

  /** A set to write a batch into, emptied; undefined when none is kept (or not of this layout). */
  take(layout: NativeLayout<unknown>): ColumnSet | undefined {
    const set = this.sets.pop();
    if (!set || set.writers.length !== layout.columns.length) return undefined;
    for (const writer of set.writers) writer.pos = 0;
    for (const map of set.maps) {
      if (!map) continue;
      map.keys.pos = 0;
      map.values.pos = 0;
      map.entries = 0;
    }
    return set;
  }

  giveBack(set: ColumnSet): void {
    if (this.sets.length < SPARE_SETS) this.sets.push(set);
  }

  /** Lets every kept set go. */
  clear(): void {
    this.sets.length = 0;
  }
}

/** A growing buffer that values are written into in Native's encodings. */
class ByteWriter {
  pos = 0;
  private buf: Buffer;

  constructor(bytes: number) {
    this.buf = Buffer.allocUnsafe(Math.max(bytes, 16));
  }

  /** What was written so far. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Column `index` of the rows as Strings; ASCII values of under 128 chars copied in this loop, the others by string(). */
  strings(rows: ReadonlyArray<readonly unknown[]>, index: number): void {
    let buf = this.buf;
    let pos = this.pos;
    for (let row = 0; row < rows.length; row += 1) {
      const value = rows[row]![index];
      if (typeof value !== 'string') throw new NotEncodable(`not a string: ${typeof value}`);
      const length = value.length;
      if (length < 0x80) {
        if (pos + 1 + length > buf.length) {
          this.pos = pos;
          this.room(1 + length);
          buf = this.buf;
        }
        let char = 0;
        for (; char < length; char += 1) {
          const code = value.charCodeAt(char);
          if (code >= 0x80) break;
          buf[pos + 1 + char] = code;
        }
        if (char === length) {
          buf[pos] = length;
          pos += 1 + length;
          continue;
        }
      }
      this.pos = pos;
      this.string(value);
      buf = this.buf;
      pos = this.pos;
    }
    this.pos = pos;
  }

  /** A String: its UTF-8 length as a varint, then its bytes. */
  string(value: unknown): void {
    if (typeof value !== 'string') throw new NotEncodable(`not a string: ${typeof value}`);
    const length = value.length;
    if (length < 0x80) {
      // ASCII (the usual case) copied char by char; anything else is written as UTF-8 below.
      this.room(1 + length);
      const { buf } = this;
      const start = this.pos + 1;
      let index = 0;
      for (; index < length; index += 1) {
        const code = value.charCodeAt(index);
        if (code >= 0x80) break;
        buf[start + index] = code;
      }
      if (index === length) {
        buf[this.pos] = length;
        this.pos = start + length;
        return;
      }
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint(bytes);
    this.room(bytes);
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  uint32(value: unknown): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
      throw new NotEncodable(`not a UInt32: ${String(value)}`);
    }
    this.room(4);
    this.buf.writeUInt32LE(value, this.pos);
    this.pos += 4;
  }

  /**
   * Milliseconds since the epoch (or a count) as Int64, written as two 32-bit halves (no BigInt
   * per value). A time before the epoch is left to the JSON line (the service never makes one).
   */
  int64(value: unknown): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MS_LIMIT) {
      throw new NotEncodable(`not an Int64: ${String(value)}`);
    }
    this.room(8);
    const high = Math.floor(value / TWO_TO_32);
    this.buf.writeUInt32LE(value - high * TWO_TO_32, this.pos);
    this.buf.writeUInt32LE(high, this.pos + 4);
    this.pos += 8;
  }

  /**
   * Every key of the rows' maps in column `index`, and the offset each row's map ends at (entries
   * counted from `entries`) into `offsets`; returns the entries counted so far.
   */
  mapKeys(rows: ReadonlyArray<readonly unknown[]>, index: number, offsets: ByteWriter, entries: number): number {
    let total = entries;
    for (const row of rows) {
      const map = row[index];
      if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new NotEncodable(`not a map: ${String(map)}`);
      // Own keys in insertion order, as JSON.stringify writes them in the log's line.
      for (const key in map) {
        this.string(key);
        total += 1;
      }
      offsets.int64(total);
    }
    return total;
  }

  /** Every value of the rows' maps in column `index`, in the order of their keys. */
  mapValues(rows: ReadonlyArray<readonly unknown[]>, index: number): void {
    for (const row of rows) {
      const map = row[index] as Record<string, unknown>;
      for (const key in map) this.string(map[key]);
    }
  }

  /** An unsigned LEB128 number, as Native writes lengths and counts. */
  varint(value: number): void {
    this.room(10);
    let rest = value;
    while (rest >= 0x80) {
      this.buf[this.pos++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buf[this.pos++] = rest;
  }

  /** Makes room for `bytes` more, doubling the buffer when it is short. */
  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}
