/**
 * The ids stored lately, so a retried beacon or a re-sent OTLP request is stored once.
 * Two generations of `capacity / 2` ids each: when the young one fills, the old one is dropped,
 * so memory stays bounded and the newest `capacity / 2` ids at least are always remembered.
 */
export class RecentIds {
  private young = new Set<string>();
  private old = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  /** Remembers `key` unless it is remembered already; false then (one lookup per generation, no second one to add). */
  addIfNew(key: string): boolean {
    if (this.young.has(key) || this.old.has(key)) return false;
    this.add(key);
    return true;
  }

  /** Forgets a key whose row never reached the log, so a re-send of it is stored. */
  delete(key: string): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  add(key: string): void {
    if (this.young.size >= this.capacity / 2) {
      this.old = this.young;
      this.young = new Set();
    }
    this.young.add(key);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
