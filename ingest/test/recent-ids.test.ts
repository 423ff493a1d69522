import { describe, expect, it, vi } from 'vitest';
import { RecentIds } from '../src/pipeline/recent-ids.js';

// The deduplication window keeps fingerprints, not the ids themselves: it must still answer as a
// set of the recent ids would, forget only whole old generations, and never take a new id for a seen one.

/**
 * Seeds for the next windows made, in place of random ones: with the seed known, ids whose
 * fingerprints are the rare cases (one half zero, a half shared with another id) can be chosen,
 * so those cases are tested on purpose instead of once in 2^32 ids. Without a queued seed the
 * window draws a random one as in the service.
 */
const seeds = vi.hoisted(() => [] as number[]);
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  const randomBytes = (size: number) => {
    const seed = seeds.shift();
    if (seed === undefined) return crypto.randomBytes(size);
    const bytes = Buffer.alloc(size);
    bytes.writeUInt32LE(seed, 0);
    return bytes;
  };
  return { ...crypto, default: { ...crypto, randomBytes }, randomBytes };
});

/** A window of 4 ids (two generations of 2, each a table of 4 slots) hashing with `seed`. */
function seededWindow(seed: number): RecentIds {
  seeds.push(seed);
  return new RecentIds(4);
}

/**
 * Seeds and ids found offline for the hash of recent-ids.ts (its 64-bit result written
 * high:low; ZERO_ID and LOW_ZERO_ID by running the hash backwards from the wanted result, the
 * others by trying ids in turn). With SEED_A, ZERO_ID hashes to 0:0, the empty slot's own value,
 * which the window moves to 0:2, into slot 2 of 4; B0 starts at slot 2 too, SLOT_ZERO_ID at
 * slot 0. With SEED_B, LOW_ZERO_ID hashes to 0x5eed0002:0, also slot 2, and B1 starts there.
 * With SEED_A, each pair shares one half of its fingerprint (and its first slot), not the other.
 */
const SEED_A = 4289847702;
const ZERO_ID = 'k\uecd2\u8fa0';
const B0 = 'b0';
const SLOT_ZERO_ID = 'b4';
const SEED_B = 2799732167;
const LOW_ZERO_ID = 'k\u643a\u29e9';
const B1 = 'b1';
const SAME_HIGH: [string, string] = ['p76130', 'p153811'];
const SAME_LOW: [string, string] = ['p101867', 'p150276'];

/** Bytes of fingerprint tables a window holds: its memory, bar a few numbers. */
function tableBytes(value: unknown, seen = new Set<unknown>()): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (typeof value !== 'object' || value === null || seen.has(value)) return 0;
  seen.add(value);
  let bytes = 0;
  for (const field of Object.values(value)) bytes += tableBytes(field, seen);
  return bytes;
}

describe('the recent ids', () => {
  it('recognises every id it holds and no other, over a million distinct ids', () => {
    const recent = new RecentIds(2_000_000);
    let taken = 0;
    for (let index = 0; index < 1_000_000; index++) if (recent.addIfNew(`s|${index.toString(16).padStart(32, '0')}`)) taken++;
    expect(taken).toBe(1_000_000);
    let falseHits = 0;
    for (let index = 1_000_000; index < 2_000_000; index++) if (recent.has(`s|${index.toString(16).padStart(32, '0')}`)) falseHits++;
    expect(falseHits).toBe(0);
    let misses = 0;
    for (let index = 0; index < 1_000_000; index++) if (recent.addIfNew(`s|${index.toString(16).padStart(32, '0')}`)) misses++;
    expect(misses).toBe(0);
    expect(recent.size).toBe(1_000_000);
  });

  it('forgets the oldest generation once the young one is full, and always holds the newest half', () => {
    const recent = new RecentIds(1000);
    for (let index = 0; index < 1500; index++) recent.add(`e|site|${index}`);
    // 0-499 were the first generation, dropped when 1000-1499 began the third.
    expect(recent.has('e|site|0')).toBe(false);
    expect(recent.has('e|site|499')).toBe(false);
    expect(recent.has('e|site|500')).toBe(true);
    expect(recent.has('e|site|1499')).toBe(true);
    expect(recent.size).toBe(1000);
  });

  it('forgets a deleted id without losing the ids stored after it', () => {
    const recent = new RecentIds(1000);
    const ids = Array.from({ length: 400 }, (_, index) => `e|site|${index}`);
    for (const id of ids) recent.add(id);
    for (const id of ids.filter((_, index) => index % 2 === 0)) recent.delete(id);
    for (const [index, id] of ids.entries()) expect.soft(recent.has(id), id).toBe(index % 2 === 1);
    // A forgotten id can be stored again.
    expect(recent.addIfNew('e|site|0')).toBe(true);
    expect(recent.addIfNew('e|site|0')).toBe(false);
  });

  it('forgets a deleted id that is in the old generation', () => {
    const recent = new RecentIds(4);
    recent.add('e|site|0');
    recent.add('e|site|1');
    // The third id starts a new generation: 0 and 1 are the old one now.
    recent.add('e|site|2');
    recent.delete('e|site|0');
    expect(recent.has('e|site|0')).toBe(false);
    expect(recent.has('e|site|1')).toBe(true);
    expect(recent.has('e|site|2')).toBe(true);
    expect(recent.addIfNew('e|site|0')).toBe(true);
  });

  it('adds an id it holds already only once', () => {
    const recent = new RecentIds(4);
    recent.add('e|site|0');
    recent.add('e|site|0');
    expect(recent.size).toBe(1);
    recent.add('e|site|1');
    // Still the first generation (2 of 2): nothing was dropped.
    expect(recent.size).toBe(2);
    expect(recent.has('e|site|0')).toBe(true);
  });

  it('holds the default 500,000 ids in 8 MiB: two tables of 2^19 slots of 8 bytes', () => {
    const recent = new RecentIds(500_000);
    // The young table, and 2 words for the empty old one.
    expect(tableBytes(recent)).toBe(4 * 2 ** 20 + 8);
    for (let index = 0; index <= 250_000; index++) recent.add(`e|site|${index}`);
    // The 250,001st id began the second generation: a new table as small as the first.
    expect(tableBytes(recent)).toBe(8 * 2 ** 20);
  });

  it('makes each table the smallest power of two at most half full', () => {
    // 2^18 ids a generation fit 2^19 slots exactly half full; no more are taken.
    expect(tableBytes(new RecentIds(2 ** 19))).toBe(2 ** 19 * 8 + 8);
    expect(tableBytes(new RecentIds(2 ** 19 + 2))).toBe(2 ** 20 * 8 + 8);
  });
});

describe('the recent ids, on fingerprints that are rare on purpose', () => {
  it('remembers an id whose fingerprint is the empty slot, and takes no other id for it', () => {
    const recent = seededWindow(SEED_A);
    expect(recent.addIfNew(ZERO_ID)).toBe(true);
    // B0 starts at the slot ZERO_ID took and goes past it.
    expect(recent.addIfNew(B0)).toBe(true);
    expect(recent.has(ZERO_ID)).toBe(true);
    expect(recent.has(B0)).toBe(true);
    expect(recent.addIfNew(ZERO_ID)).toBe(false);
    expect(recent.size).toBe(2);

    // Not added, it is not seen, though the table's empty slots hold 0:0.
    const other = seededWindow(SEED_A);
    other.add(B0);
    expect(other.has(ZERO_ID)).toBe(false);
  });

  it('keeps an id whose fingerprint has a zero low half when another id probes past it', () => {
    const recent = seededWindow(SEED_B);
    expect(recent.addIfNew(LOW_ZERO_ID)).toBe(true);
    expect(recent.addIfNew(B1)).toBe(true);
    expect(recent.has(LOW_ZERO_ID)).toBe(true);
    expect(recent.has(B1)).toBe(true);
    expect(recent.size).toBe(2);
  });

  it('tells apart ids whose fingerprints share one half', () => {
    for (const [first, second] of [SAME_HIGH, SAME_LOW]) {
      const recent = seededWindow(SEED_A);
      recent.add(first);
      expect(recent.has(second)).toBe(false);
      expect(recent.addIfNew(second)).toBe(true);
      expect(recent.has(first)).toBe(true);
      expect(recent.size).toBe(2);
    }
  });

  it('forgets an id in the first slot, and deleting an id it never held changes nothing', () => {
    const recent = seededWindow(SEED_A);
    recent.add(SLOT_ZERO_ID);
    recent.add(B0);
    recent.delete('never added');
    expect(recent.has(SLOT_ZERO_ID)).toBe(true);
    expect(recent.has(B0)).toBe(true);
    recent.delete(SLOT_ZERO_ID);
    expect(recent.has(SLOT_ZERO_ID)).toBe(false);
    expect(recent.has(B0)).toBe(true);
  });
});
