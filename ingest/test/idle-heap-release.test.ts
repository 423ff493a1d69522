// Once idle after work, the service gives its JavaScript heap's free memory back, once per idle
// spell (src/idle-heap-release.ts). The policy is driven here by a test double of the event loop's
// use and of V8's heap size (both outside the test's control) on fake timers; the service itself
// is checked as `npm start` runs it, with `gc` exposed and its own log line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HeapReleased, releaseHeapWhenIdle } from '../src/idle-heap-release.js';
import { startService } from './support/service-process.js';

const MIB = 1024 * 1024;

describe('the release policy', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A release watched over `idleMs`, the event loop busy or not as the test says. */
  function watched(idleMs: number) {
    const state = { busy: 0, heap: 90 * MIB };
    const gc = vi.fn(() => {
      state.heap = 30 * MIB;
    });
    const released: HeapReleased[] = [];
    const release = releaseHeapWhenIdle({
      idleMs,
      gc,
      utilization: () => state.busy,
      heapBytes: () => state.heap,
      onRelease: (figures) => released.push(figures),
    });
    return { state, gc, released, release };
  }

  it('releases once the loop was idle for the time asked, never while busy, and once per idle spell', () => {
    const { state, gc, released, release } = watched(10_000);
    state.busy = 0.4;
    vi.advanceTimersByTime(60_000);
    expect(gc).not.toHaveBeenCalled();
    state.busy = 0.001;
    vi.advanceTimersByTime(5_000);
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(5_000);
    expect(gc).toHaveBeenCalledTimes(1);
    expect(gc).toHaveBeenCalledWith({ type: 'major', flavor: 'last-resort' });
    expect(released).toEqual([{ heapBeforeMiB: 90, heapAfterMiB: 30, ms: expect.any(Number) }]);
    // Still idle, nothing grew: nothing more to give back.
    vi.advanceTimersByTime(120_000);
    expect(gc).toHaveBeenCalledTimes(1);
    // Work again, then idle: released again.
    state.busy = 0.3;
    state.heap = 70 * MIB;
    vi.advanceTimersByTime(5_000);
    state.busy = 0;
    vi.advanceTimersByTime(10_000);
    expect(gc).toHaveBeenCalledTimes(2);
    release.stop();
  });

  it('releases again when a trickle too light to count as work grew the heap by 16 MiB', () => {
    const { state, gc, release } = watched(10_000);
    vi.advanceTimersByTime(10_000);
    expect(gc).toHaveBeenCalledTimes(1);
    state.heap = 45 * MIB;
    vi.advanceTimersByTime(60_000);
    expect(gc).toHaveBeenCalledTimes(1);
    state.heap = 47 * MIB;
    vi.advanceTimersByTime(5_000);
    expect(gc).toHaveBeenCalledTimes(2);
    release.stop();
  });

  it('a busy sample starts the idle time over', () => {
    const { state, gc, release } = watched(10_000);
    vi.advanceTimersByTime(5_000);
    state.busy = 0.05;
    vi.advanceTimersByTime(5_000);
    state.busy = 0;
    vi.advanceTimersByTime(5_000);
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(5_000);
    expect(gc).toHaveBeenCalledTimes(1);
    release.stop();
  });

  it('never releases with 0 s asked, nor after it was stopped', () => {
    const never = watched(0);
    vi.advanceTimersByTime(600_000);
    expect(never.gc).not.toHaveBeenCalled();
    const stopped = watched(10_000);
    stopped.release.stop();
    vi.advanceTimersByTime(600_000);
    expect(stopped.gc).not.toHaveBeenCalled();
  });
});

describe.runIf(process.platform === 'linux')('the service', () => {
  it('gives its heap back once idle after start, and again once idle after requests', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'footfall-heap-release-'));
    const service = await startService({ DATA_DIR: dataDir, HEAP_RELEASE_IDLE_S: '1' });
    const releases = () =>
      service
        .output()
        .split('\n')
        .filter((line) => line.includes('"idle: the JavaScript heap gave its free memory back"'))
        .map((line) => JSON.parse(line) as { heapBeforeMiB: number; heapAfterMiB: number });
    try {
      // The start's own garbage.
      await expect.poll(() => releases().length, { timeout: 30_000, interval: 200 }).toBe(1);
      // Work: two seconds of requests keep the event loop busy well past the idle share.
      const until = Date.now() + 2_000;
      while (Date.now() < until) {
        await Promise.all(Array.from({ length: 20 }, () => fetch(`${service.url}/readyz`).then((response) => response.text())));
      }
      await expect.poll(() => releases().length, { timeout: 30_000, interval: 200 }).toBe(2);
      for (const { heapBeforeMiB, heapAfterMiB } of releases()) expect(heapAfterMiB).toBeLessThan(heapBeforeMiB);
    } finally {
      await service.process.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
