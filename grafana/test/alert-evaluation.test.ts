// The Pending -> Firing logic the scenario test relies on, on hand-made evaluation series.
import { describe, expect, it } from 'vitest';
import { durationMs, firingStarts } from './support/alert-evaluation.js';
import type { RangeSeries } from './support/prometheus-server.js';

const STEP = 60_000;
// Evaluations at minutes 0..n; a missing minute is an evaluation where the expression returned nothing.
const series = (minutes: Record<number, number>): RangeSeries => ({
  metric: {},
  values: Object.entries(minutes).map(([minute, value]) => [(Number(minute) * STEP) / 1000, String(value)]),
});

describe('alert evaluation', () => {
  it('reads durations', () => {
    expect(durationMs('2m')).toBe(120_000);
    expect(durationMs('90s')).toBe(90_000);
    expect(() => durationMs('2d')).toThrow();
  });

  it('fires once the condition has held for the whole `for` duration', () => {
    expect(firingStarts([series({ 3: 1, 4: 1, 5: 1, 6: 1 })], 2 * STEP, STEP)).toEqual([5 * STEP]);
  });

  it('fires at the first evaluation when `for` is zero', () => {
    expect(firingStarts([series({ 3: 1 })], 0, STEP)).toEqual([3 * STEP]);
  });

  it('starts pending again after a gap or a value that is not above zero', () => {
    expect(firingStarts([series({ 1: 1, 2: 1, 4: 1, 5: 1 })], 2 * STEP, STEP)).toEqual([]);
    expect(firingStarts([series({ 1: 1, 2: 0, 3: 1, 4: 1, 5: 1 })], 2 * STEP, STEP)).toEqual([5 * STEP]);
  });

  it('counts a new episode after the alert resolved, for every series on its own', () => {
    const twice = series({ 0: 1, 1: 1, 2: 1, 5: 1, 6: 1, 7: 1 });
    const other = series({ 10: 1, 11: 1, 12: 1 });
    expect(firingStarts([twice, other], 2 * STEP, STEP)).toEqual([2 * STEP, 7 * STEP, 12 * STEP]);
  });
});
