import { describe, expect, it } from 'vitest';
import { RecentIds } from '../src/pipeline/recent-ids.js';

// The deduplication window keeps fingerprints, not the ids themselves: it must still answer as a
// set of the recent ids would, forget only whole old generations, and never take a new id for a seen one.

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
});
