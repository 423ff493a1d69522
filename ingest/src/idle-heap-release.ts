// Gives the JavaScript heap's free memory back to the system once the service has gone idle after
// work. V8 keeps the pages its heap grew into under load, and the garbage of the last requests
// (their bodies, the batches' buffers) waits for a full collection that an idle process may never
// get: its memory reducer starts only after a full collection that grew the heap, and gave back
// nothing in 30 s idle after `npm run bench`'s load. One collection that compacts the heap and
// releases its pooled pages ('last-resort', what V8 does on a low-memory notification) took the
// service's anonymous memory from 192 to 139 MiB (the heap 78 -> 28 MiB, buffers 30 -> 18), in
// 70 to 350 ms of the main thread (the most at start), once per idle spell: never while requests
// keep it busy. The next burst pays for the heap growing again (runtime-memory.ts keeps bytecode).
// The collection needs `gc` exposed (`--expose-gc`, runtime-memory.ts); without it nothing runs.

import { getHeapStatistics } from 'node:v8';
import { performance } from 'node:perf_hooks';

/** The longest the event loop's use is sampled over; shorter when the idle time asked for is. */
const MAX_CHECK_INTERVAL_MS = 5_000;
/** A sample in which the event loop was busy under this share of the time counts as idle (the engine's and the batcher's timers use about 0.001). */
const IDLE_UTILIZATION = 0.02;
/** Heap growth while idle (a trickle of requests) that earns another release, in bytes. */
const GROWTH_WORTH_RELEASING = 16 * 1024 * 1024;
const MIB = 1024 * 1024;

/** What a release did, for the log. */
export interface HeapReleased {
  heapBeforeMiB: number;
  heapAfterMiB: number;
  ms: number;
}

export interface IdleHeapReleaseOptions {
  /** How long the event loop must have been idle before the heap is released; 0 never releases. */
  idleMs: number;
  /** The full collection: `globalThis.gc`, undefined unless exposed (then nothing is released). */
  gc?: ((options: { type: 'major'; flavor: 'last-resort' }) => void) | undefined;
  /** The share of time the event loop was busy since the last call; performance.eventLoopUtilization by default (tests give their own). */
  utilization?: () => number;
  /** The heap's resident size in bytes; v8's total_physical_size by default. */
  heapBytes?: () => number;
  onRelease?: (released: HeapReleased) => void;
}

export interface IdleHeapRelease {
  stop(): void;
}

/** Samples the event loop's use and releases the heap once after `idleMs` idle that followed work (or heap growth). */
export function releaseHeapWhenIdle(options: IdleHeapReleaseOptions): IdleHeapRelease {
  const { idleMs, gc } = options;
  if (idleMs <= 0 || typeof gc !== 'function') return { stop: () => {} };
  const utilization = options.utilization ?? eventLoopUtilization();
  const heapBytes = options.heapBytes ?? (() => getHeapStatistics().total_physical_size);
  const checkMs = Math.min(MAX_CHECK_INTERVAL_MS, idleMs);
  let idleForMs = 0;
  // The start's own garbage and young generation are worth a release too.
  let workedSinceRelease = true;
  let heapAfterRelease = Number.POSITIVE_INFINITY;
  const timer = setInterval(() => {
    if (utilization() >= IDLE_UTILIZATION) {
      idleForMs = 0;
      workedSinceRelease = true;
      return;
    }
    idleForMs += checkMs;
    if (idleForMs < idleMs) return;
    const before = heapBytes();
    if (!workedSinceRelease && before < heapAfterRelease + GROWTH_WORTH_RELEASING) return;
    const started = performance.now();
    gc({ type: 'major', flavor: 'last-resort' });
    const ms = performance.now() - started;
    heapAfterRelease = heapBytes();
    workedSinceRelease = false;
    // The collection's own time is not the service's work: the next sample starts after it.
    utilization();
    options.onRelease?.({ heapBeforeMiB: before / MIB, heapAfterMiB: heapAfterRelease / MIB, ms });
  }, checkMs);
  // Never what keeps the process alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** The event loop's busy share since the previous call. */
function eventLoopUtilization(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const share = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    return share;
  };
}
