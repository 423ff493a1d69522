// The write-ahead log on a real directory (pipeline/wal.ts): what it appends is on disk byte for
// byte, what a previous process left is handed back in order with torn tails cut, sequence numbers
// never come back after a restart, refused lines are set aside whole, and a write the disk refuses
// is reported and leaves the segment as it was. A restart is opening the same directory again.
//
// The disk failures are real ones from the kernel, not a stand-in for fs: the segment the log is
// about to open is replaced by a directory (EISDIR), by a link to /dev/full (ENOSPC, a full disk),
// by a link to /dev/null (takes every write, refuses fsync with EINVAL) or by a named pipe whose
// reader goes away (EPIPE). File permissions cannot make a write fail here: the tests run as root.
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Segment, WriteAheadLog } from '../src/pipeline/wal.js';

/** The name a segment has on disk: its sequence number in 20 digits. */
const nameOf = (seq: number) => `${String(seq).padStart(20, '0')}.ndjson`;

const dirs: string[] = [];
const logs: WriteAheadLog[] = [];

/** A directory that does not exist yet, inside a fresh temporary one (open creates it). */
function freshDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'footfall-wal-'));
  dirs.push(root);
  return join(root, 'wal', 'events');
}

function openLog(dir: string): { wal: WriteAheadLog; leftover: Segment[] } {
  const opened = WriteAheadLog.open(dir);
  logs.push(opened.wal);
  return opened;
}

/** Appends and settles with what `done` was given: null, or the error of a refused write. */
function append(wal: WriteAheadLog, ...lines: string[]): Promise<Error | null> {
  return new Promise((resolve) =>
    wal.append(
      lines.map((line) => Buffer.from(line)),
      resolve,
    ),
  );
}

/** Appends lines that must be taken, and seals them into a segment. */
async function sealed(wal: WriteAheadLog, ...lines: string[]): Promise<Segment> {
  expect(await append(wal, ...lines)).toBeNull();
  const segment = wal.seal();
  expect(segment).toBeDefined();
  return segment!;
}

afterEach(() => {
  for (const wal of logs.splice(0)) wal.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the write-ahead log', () => {
  it('starts empty in a new directory and numbers its first segment from the clock', async () => {
    const dir = freshDir();
    const before = Date.now();
    const { wal, leftover } = openLog(dir);
    const after = Date.now();
    expect(leftover).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
    // Nothing appended: nothing to seal, nothing to push to the disk.
    expect(wal.seal()).toBeUndefined();
    await expect(wal.sync()).resolves.toBeUndefined();

    const segment = await sealed(wal, '{"n":1}\n');
    // A thousand numbers per millisecond of the clock at open: never below what any earlier
    // process of this directory could have used, even after a clean stop emptied the log.
    expect(segment.seq).toBeGreaterThanOrEqual(before * 1000);
    expect(segment.seq).toBeLessThanOrEqual(after * 1000);
  });

  it('writes every appended byte to the segment, counts them, and names the segment by its number', async () => {
    const dir = freshDir();
    const { wal } = openLog(dir);
    expect(await append(wal, '{"a":1}\n', '{"b":22}\n')).toBeNull();
    expect(wal.openSegmentBytes).toBe(17);
    expect(await append(wal, '{"c":333}\n')).toBeNull();
    expect(wal.openSegmentBytes).toBe(27);

    const segment = wal.seal()!;
    expect(segment).toEqual({ seq: segment.seq, path: join(dir, nameOf(segment.seq)), bytes: 27 });
    expect(wal.openSegmentBytes).toBe(0);
    expect(readFileSync(segment.path, 'utf8')).toBe('{"a":1}\n{"b":22}\n{"c":333}\n');
    expect(wal.read(segment).toString('utf8')).toBe('{"a":1}\n{"b":22}\n{"c":333}\n');
  });

  it('writes a small append before it returns and a large one off the event loop, each whole', async () => {
    const dir = freshDir();
    const { wal } = openLog(dir);
    // A single-event beacon's line: written at once, done before append returns.
    const small = `${'s'.repeat(449)}\n`;
    const calls: Array<Error | null> = [];
    wal.append([Buffer.from(small)], (error) => calls.push(error));
    expect(calls).toEqual([null]);
    expect(wal.openSegmentBytes).toBe(450);
    // A 50-event beacon's lines: handed to the pool, done later.
    const large = `${'l'.repeat(20_479)}\n`;
    const done = new Promise<Error | null>((resolve) => wal.append([Buffer.from(large)], resolve));
    expect(wal.openSegmentBytes).toBe(450);
    expect(await done).toBeNull();
    expect(wal.openSegmentBytes).toBe(450 + 20_480);
    expect(readFileSync(wal.seal()!.path, 'utf8')).toBe(small + large);
  });

  it('pushes appended lines to the disk off the event loop, and closes a segment sealed meanwhile only after', async () => {
    const dir = freshDir();
    const { wal } = openLog(dir);
    expect(await append(wal, 'pushed\n')).toBeNull();
    // A promise of the push, not a push made before sync returns.
    const pushing = wal.sync();
    expect(pushing).toBeInstanceOf(Promise);
    const segment = wal.seal()!;
    await expect(pushing).resolves.toBeUndefined();
    expect(readFileSync(segment.path, 'utf8')).toBe('pushed\n');
    // Nothing appended since: nothing to push.
    await expect(wal.sync()).resolves.toBeUndefined();
  });

  it('gives consecutive numbers to consecutive segments, each its own file', async () => {
    const dir = freshDir();
    const { wal } = openLog(dir);
    const first = await sealed(wal, 'one\n');
    const second = await sealed(wal, 'two\n');
    expect(second.seq).toBe(first.seq + 1);
    expect(readFileSync(first.path, 'utf8')).toBe('one\n');
    expect(readFileSync(second.path, 'utf8')).toBe('two\n');
    expect(readdirSync(dir).sort()).toEqual([nameOf(first.seq), nameOf(second.seq)]);
  });

  it('hands back what a previous process left, in order, torn tails cut, segments with no whole line removed', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    // Written out of order, so the order handed back is the log's and not the directory's.
    writeFileSync(join(dir, nameOf(7)), 'c1\nc2\nhalf a li');
    writeFileSync(join(dir, nameOf(3)), 'a1\n');
    writeFileSync(join(dir, nameOf(11)), '');
    writeFileSync(join(dir, nameOf(5)), 'b1\nb2\n');
    writeFileSync(join(dir, nameOf(9)), 'only half a line');
    writeFileSync(join(dir, 'notes.txt'), 'not a segment');
    mkdirSync(join(dir, 'rejected'));

    const { leftover } = openLog(dir);
    expect(leftover).toEqual([
      { seq: 3, path: join(dir, nameOf(3)), bytes: 3 },
      { seq: 5, path: join(dir, nameOf(5)), bytes: 6 },
      { seq: 7, path: join(dir, nameOf(7)), bytes: 6 },
    ]);
    expect(readFileSync(join(dir, nameOf(3)), 'utf8')).toBe('a1\n');
    expect(readFileSync(join(dir, nameOf(5)), 'utf8')).toBe('b1\nb2\n');
    // The half line was never answered; what is left is whole lines only.
    expect(readFileSync(join(dir, nameOf(7)), 'utf8')).toBe('c1\nc2\n');
    // The empty segment and the one holding only half a line are gone; other names are not the log's.
    expect(readdirSync(dir).sort()).toEqual([nameOf(3), nameOf(5), nameOf(7), 'notes.txt', 'rejected']);
  });

  it('after a crash, hands back the segment that was open and numbers new segments past it', async () => {
    const dir = freshDir();
    const { wal: crashed } = openLog(dir);
    const done = await sealed(crashed, 'x1\n');
    expect(await append(crashed, 'y1\n', 'y2\n')).toBeNull();
    // The process dies in the middle of a write: half a line at the end of the open segment.
    appendFileSync(join(dir, nameOf(done.seq + 1)), '{"half":');

    const before = Date.now();
    const { wal, leftover } = openLog(dir);
    expect(leftover).toEqual([
      { seq: done.seq, path: join(dir, nameOf(done.seq)), bytes: 3 },
      { seq: done.seq + 1, path: join(dir, nameOf(done.seq + 1)), bytes: 6 },
    ]);
    expect(readFileSync(leftover[1]!.path, 'utf8')).toBe('y1\ny2\n');
    const next = await sealed(wal, 'z1\n');
    expect(next.seq).toBeGreaterThan(done.seq + 1);
    expect(next.seq).toBeGreaterThanOrEqual(before * 1000);
  });

  it('numbers past a leftover that is ahead of the clock', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    // Far past Date.now() * 1000 (about 1.8e15 in 2025) and still an exact integer in a double.
    const ahead = 9_000_000_000_000_000;
    writeFileSync(join(dir, nameOf(ahead)), 'late\n');
    const { wal, leftover } = openLog(dir);
    expect(leftover).toEqual([{ seq: ahead, path: join(dir, nameOf(ahead)), bytes: 5 }]);
    expect((await sealed(wal, 'next\n')).seq).toBe(ahead + 1);
  });

  it('sets refused lines aside whole, one per line, and removes the segment', async () => {
    const dir = freshDir();
    const { wal } = openLog(dir);
    const segment = await sealed(wal, '{"ok":1}\n{"bad":-1}\n{"ok":2}\n{"bad":"x"}\n');
    const target = wal.quarantine(segment, [Buffer.from('{"bad":-1}'), Buffer.from('{"bad":"x"}')]);
    expect(target).toBe(join(dir, 'rejected', nameOf(segment.seq)));
    expect(readFileSync(target, 'utf8')).toBe('{"bad":-1}\n{"bad":"x"}\n');
    // Written beside and renamed: no partial file stays; the segment is gone from the log.
    expect(readdirSync(join(dir, 'rejected'))).toEqual([nameOf(segment.seq)]);
    expect(existsSync(segment.path)).toBe(false);
    expect(readdirSync(dir)).toEqual(['rejected']);
  });

  it('removes a written segment', async () => {
    const dir = freshDir();
    const { wal } = openLog(dir);
    const segment = await sealed(wal, 'written\n');
    await wal.remove(segment);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('closes by sealing the open segment, which the next start hands back', async () => {
    const dir = freshDir();
    const { wal } = openLog(dir);
    expect(await append(wal, 'kept\n')).toBeNull();
    const closed = wal.close();
    expect(closed).toEqual({ seq: closed!.seq, path: join(dir, nameOf(closed!.seq)), bytes: 5 });
    expect(wal.close()).toBeUndefined();
    expect(openLog(dir).leftover).toEqual([closed]);
  });
});

describe('the write-ahead log on a disk that refuses', () => {
  /** A log whose next segment is known: one past a sealed one. */
  async function logWithNext(): Promise<{ dir: string; wal: WriteAheadLog; next: string }> {
    const dir = freshDir();
    const { wal } = openLog(dir);
    const first = await sealed(wal, 'first\n');
    return { dir, wal, next: join(dir, nameOf(first.seq + 1)) };
  }

  it('reports a segment it cannot open, and has nothing open after', async () => {
    const { wal, next } = await logWithNext();
    mkdirSync(next);
    expect(await append(wal, 'lost\n')).toMatchObject({ code: 'EISDIR' });
    expect(wal.openSegmentBytes).toBe(0);
    expect(wal.seal()).toBeUndefined();
  });

  it('reports a write to a full disk, counts nothing, and has nothing to push or to seal', async () => {
    const { wal, next } = await logWithNext();
    symlinkSync('/dev/full', next);
    expect(await append(wal, 'lost\n')).toMatchObject({ code: 'ENOSPC' });
    expect(wal.openSegmentBytes).toBe(0);
    // No line was taken since the last push, so sync leaves the device alone (an fsync of
    // /dev/full would fail with EINVAL and throw here).
    await expect(wal.sync()).resolves.toBeUndefined();
    // Nothing was taken, so there is no batch to seal; the next append goes to the same segment.
    expect(wal.seal()).toBeUndefined();
    rmSync(next);
    expect(await append(wal, 'kept\n')).toBeNull();
    expect(wal.seal()).toMatchObject({ path: next, bytes: 5 });
  });

  it('reports a large write to a full disk as a small one, made off the event loop', async () => {
    const { wal, next } = await logWithNext();
    symlinkSync('/dev/full', next);
    expect(await append(wal, `${'x'.repeat(8191)}\n`)).toMatchObject({ code: 'ENOSPC' });
    expect(wal.openSegmentBytes).toBe(0);
    expect(wal.seal()).toBeUndefined();
  });

  it('has nothing to push to the disk when the first write of its life failed', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    // A leftover ahead of the clock makes the first segment's name known before anything is written.
    const ahead = 9_000_000_000_000_000;
    writeFileSync(join(dir, nameOf(ahead)), 'late\n');
    const { wal } = openLog(dir);
    symlinkSync('/dev/full', join(dir, nameOf(ahead + 1)));
    expect(await append(wal, 'lost\n')).toMatchObject({ code: 'ENOSPC' });
    // An fsync of /dev/full would throw EINVAL: a new log starts with nothing to push.
    await expect(wal.sync()).resolves.toBeUndefined();
  });

  it('pushes appended lines to the disk on sync', async () => {
    const { wal, next } = await logWithNext();
    symlinkSync('/dev/null', next);
    expect(await append(wal, 'taken\n')).toBeNull();
    expect(wal.openSegmentBytes).toBe(6);
    // /dev/null takes the write and refuses fsync: the error shows that sync did call it.
    await expect(wal.sync()).rejects.toMatchObject({ code: 'EINVAL' });
    // Not pushed, so the next sync tries again; a sync under way is shared, not repeated.
    const again = wal.sync();
    expect(wal.sync()).toBe(again);
    await expect(again).rejects.toMatchObject({ code: 'EINVAL' });
  });

  it('takes a failed write back: the segment keeps the lines appended before it, and only those', async () => {
    const { wal, next } = await logWithNext();
    execFileSync('mkfifo', [next]);
    // The test holds the pipe's reading end (read-write, so opening it does not wait for a writer).
    const reader = openSync(next, 'r+');
    expect(await append(wal, 'a1\n', 'a2\n')).toBeNull();
    expect(wal.openSegmentBytes).toBe(6);
    closeSync(reader);
    // No reader left: the kernel refuses the next write with EPIPE.
    expect(await append(wal, 'b1\n')).toMatchObject({ code: 'EPIPE' });
    expect(wal.openSegmentBytes).toBe(6);
  });
});
