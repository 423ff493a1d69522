import { randomBytes } from 'node:crypto';

/**
 * The ids stored lately, so a retried beacon or a re-sent OTLP request is stored once.
 * Two generations of `capacity / 2` ids each: when the young one fills, the old one is dropped,
 * so memory stays bounded and the newest `capacity / 2` ids at least are always remembered.
 *
 * Each id is kept as a 64-bit fingerprint in a typed array, not as a string in a Set: 500,000 ids
 * (the default capacity) took ~50 MB of strings and Set entries, and the lookups were 8 % of the
 * service's time under OTLP load; the fingerprints take 8 MB. Two different ids share a
 * fingerprint with a chance of about one in 2^64 / capacity; the hash is seeded at random per
 * process, so nobody can make ids that collide on purpose.
 */
export class RecentIds {
  private readonly seed = randomBytes(4).readUInt32LE(0);
  private young: FingerprintTable;
  private old: FingerprintTable;

  constructor(private readonly capacity: number) {
    this.young = new FingerprintTable(Math.ceil(capacity / 2));
    this.old = new FingerprintTable(0);
  }

  has(key: string): boolean {
    fingerprint(key, this.seed);
    return this.young.has(high, low) || this.old.has(high, low);
  }

  /** Remembers `key` unless it is remembered already; false then (one lookup per generation, no second one to add). */
  addIfNew(key: string): boolean {
    fingerprint(key, this.seed);
    if (this.young.has(high, low) || this.old.has(high, low)) return false;
    this.addFingerprint();
    return true;
  }

  /** Forgets a key whose row never reached the log, so a re-send of it is stored. */
  delete(key: string): void {
    fingerprint(key, this.seed);
    this.young.delete(high, low);
    this.old.delete(high, low);
  }

  add(key: string): void {
    fingerprint(key, this.seed);
    if (!this.young.has(high, low)) this.addFingerprint();
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  /** Adds the fingerprint last computed. */
  private addFingerprint(): void {
    if (this.young.size >= this.capacity / 2) {
      this.old = this.young;
      this.young = new FingerprintTable(Math.ceil(this.capacity / 2));
    }
    this.young.add(high, low);
  }
}

/** The fingerprint last computed, as two 32-bit halves (module state: no object per lookup). */
let high = 0;
let low = 0;

/**
 * A 64-bit hash of `key` (cyrb53's mixing, kept to 64 bits), left in `high` and `low`. Written by
 * hand: a crypto hash per key cost more than the Set lookups it replaces.
 */
function fingerprint(key: string, seed: number): void {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let index = 0; index < key.length; index++) {
    const char = key.charCodeAt(index);
    h1 = Math.imul(h1 ^ char, 2654435761);
    h2 = Math.imul(h2 ^ char, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  high = h1 >>> 0;
  low = h2 >>> 0;
  // Two values mark empty and forgotten slots; a fingerprint equal to one is moved off it.
  if (high === 0 && (low === EMPTY_LOW || low === FORGOTTEN_LOW)) low = 2;
}

const EMPTY_LOW = 0;
const FORGOTTEN_LOW = 1;

/** Fingerprints in an open-addressing table (linear probing), at most half full. */
class FingerprintTable {
  private readonly slots: Uint32Array;
  private readonly mask: number;
  /** Fingerprints added (forgotten ones included: their slots stay taken). */
  size = 0;

  constructor(capacity: number) {
    let slots = 2;
    while (slots < capacity * 2) slots *= 2;
    this.slots = new Uint32Array(capacity === 0 ? 2 : slots * 2);
    this.mask = (this.slots.length >>> 1) - 1;
  }

  has(hi: number, lo: number): boolean {
    return this.find(hi, lo) >= 0;
  }

  add(hi: number, lo: number): void {
    const slots = this.slots;
    for (let slot = (lo ^ hi) & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = slot * 2;
      if (slots[at] === 0 && slots[at + 1] === EMPTY_LOW) {
        slots[at] = hi;
        slots[at + 1] = lo;
        this.size += 1;
        return;
      }
    }
  }

  delete(hi: number, lo: number): void {
    const at = this.find(hi, lo);
    if (at < 0) return;
    // Still taken, so the probes of fingerprints placed after it go on past it.
    this.slots[at] = 0;
    this.slots[at + 1] = FORGOTTEN_LOW;
  }

  /** Where the fingerprint lies, or -1. */
  private find(hi: number, lo: number): number {
    if (this.size === 0) return -1;
    const slots = this.slots;
    for (let slot = (lo ^ hi) & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = slot * 2;
      const slotHigh = slots[at]!;
      const slotLow = slots[at + 1]!;
      if (slotHigh === hi && slotLow === lo) return at;
      if (slotHigh === 0 && slotLow === EMPTY_LOW) return -1;
    }
  }
}
