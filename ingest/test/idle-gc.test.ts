import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { IdleCollector, type IdleReadings, reduceMemoryCollection } from '../src/idle-gc.js';

// When the service collects its heap after a burst (src/idle-gc.ts). The event loop's busy share
// and the heap's size are the runtime's, not ours to set: the decision is tested on readings
// given by the test, the collection itself on the real heap.

const MiB = 1024 * 1024;

/** Readings the test sets: the loop's busy share of the next check and the heap's size. */
function readings(heapMiB: number): IdleReadings & { busy: number; heap: number } {
  return {
    busy: 0,
    heap: heapMiB * MiB,
    loopUtilization() {
      return this.busy;
    },
    heapBytes() {
      return this.heap;
    },
  };
}

describe('the idle collector', () => {
  it('collects once the loop was idle for two checks after the heap grew by 8 MiB, then not again until it grows again', () => {
    const heap = readings(60);
    let collections = 0;
    const collector = new IdleCollector(heap, () => {
      collections += 1;
      heap.heap = 58 * MiB;
    });
    // The first quiet after the start collects what starting left.
    collector.check();
    collector.check();
    expect(collections).toBe(1);
    collections = 0;
    heap.heap = 100 * MiB;
    expect(collector.check()).toBe(false);
    expect(collector.check()).toBe(true);
    expect(collections).toBe(1);
    // Idle, and the heap as the collection left it: nothing more to give back.
    expect([collector.check(), collector.check(), collector.check()]).toEqual([false, false, false]);
    heap.heap = 65 * MiB;
    expect(collector.check()).toBe(false);
    heap.heap = 67 * MiB;
    expect(collector.check()).toBe(true);
    expect(collections).toBe(2);
  });

  it('waits while the loop is busy: a busy check starts the quiet over', () => {
    const heap = readings(0);
    let collections = 0;
    const collector = new IdleCollector(heap, () => {
      collections += 1;
    });
    heap.heap = 120 * MiB;
    expect(collector.check()).toBe(false);
    heap.busy = 0.3;
    expect(collector.check()).toBe(false);
    heap.busy = 0.01;
    expect(collector.check()).toBe(false);
    expect(collections).toBe(0);
    expect(collector.check()).toBe(true);
    expect(collections).toBe(1);
  });

  it('leaves a heap that grew less than 8 MiB since the last collection alone', () => {
    const heap = readings(60);
    let collections = 0;
    const collector = new IdleCollector(heap, () => {
      collections += 1;
    });
    collector.check();
    collector.check();
    expect(collections).toBe(1);
    heap.heap = 67.9 * MiB;
    for (let check = 0; check < 5; check += 1) collector.check();
    expect(collections).toBe(1);
  });
});

describe('the collection', () => {
  it('gives back the pages of garbage the heap grew into', () => {
    const collect = reduceMemoryCollection();
    collect();
    const before = getHeapStatistics().total_heap_size;
    // About 80 MiB of arrays, alive until the loop ends, then garbage.
    let garbage: number[][] | undefined = [];
    for (let index = 0; index < 100; index += 1) garbage.push(new Array(100_000).fill(index));
    expect(garbage.length).toBe(100);
    garbage = undefined;
    const grown = getHeapStatistics().total_heap_size;
    expect(grown).toBeGreaterThan(before + 40 * MiB);
    collect();
    expect(getHeapStatistics().total_heap_size).toBeLessThan(before + 8 * MiB);
  });
});
