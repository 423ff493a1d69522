// The Pending -> Firing logic and the threshold stage the scenario test relies on, on hand-made
// evaluation series.
import { describe, expect, it } from 'vitest';
import { durationMs, firings, firingStarts, thresholdHolds, type Threshold } from './support/alert-evaluation.js';
import type { RangeSeries } from './support/prometheus-server.js';

const STEP = 60_000;
const ABOVE_ZERO: Threshold = { type: 'gt', value: 0 };
// Evaluations at minutes 0..n; a missing minute is an evaluation where the expression returned nothing.
const series = (minutes: Record<number, number>, metric: Record<string, string> = {}): RangeSeries => ({
  metric,
  values: Object.entries(minutes).map(([minute, value]) => [(Number(minute) * STEP) / 1000, String(value)]),
});

describe('alert evaluation', () => {
  it('reads durations', () => {
    expect(durationMs('2m')).toBe(120_000);
    expect(durationMs('90s')).toBe(90_000);
    expect(durationMs('0m')).toBe(0);
    expect(() => durationMs('2d')).toThrow();
  });

  it('applies the threshold stage in both directions, and never to NaN', () => {
    expect(thresholdHolds({ type: 'gt', value: 1 }, 1.01)).toBe(true);
    expect(thresholdHolds({ type: 'gt', value: 1 }, 1)).toBe(false);
    expect(thresholdHolds({ type: 'lt', value: 1 }, 0.99)).toBe(true);
    expect(thresholdHolds({ type: 'lt', value: 1 }, 1)).toBe(false);
    expect(thresholdHolds({ type: 'gt', value: 0 }, Number.NaN)).toBe(false);
    expect(thresholdHolds({ type: 'lt', value: 1 }, Number.NaN)).toBe(false);
  });

  it('fires once the threshold has held for the whole `for` duration', () => {
    expect(firingStarts([series({ 3: 1, 4: 1, 5: 1, 6: 1 })], ABOVE_ZERO, 2 * STEP, STEP)).toEqual([5 * STEP]);
  });

  it('judges values against the rule threshold, not against zero', () => {
    const values = series({ 0: 5, 1: 5, 2: 5, 3: 25, 4: 25, 5: 25 });
    expect(firingStarts([values], { type: 'gt', value: 20 }, 2 * STEP, STEP)).toEqual([5 * STEP]);
    expect(firingStarts([values], { type: 'gt', value: 1_000_000 }, 2 * STEP, STEP)).toEqual([]);
    expect(firingStarts([values], { type: 'lt', value: 10 }, 0, STEP)).toEqual([0]);
  });

  it('fires at the first evaluation when `for` is zero', () => {
    expect(firingStarts([series({ 3: 1 })], ABOVE_ZERO, 0, STEP)).toEqual([3 * STEP]);
  });

  it('starts pending again after a gap or a value where the threshold does not hold', () => {
    expect(firingStarts([series({ 1: 1, 2: 1, 4: 1, 5: 1 })], ABOVE_ZERO, 2 * STEP, STEP)).toEqual([]);
    expect(firingStarts([series({ 1: 1, 2: 0, 3: 1, 4: 1, 5: 1 })], ABOVE_ZERO, 2 * STEP, STEP)).toEqual([5 * STEP]);
  });

  it('counts a new episode after the alert resolved, for every series on its own, with its end and labels', () => {
    const twice = series({ 0: 1, 1: 1, 2: 1, 5: 1, 6: 1, 7: 1 }, { site: 'a' });
    const other = series({ 10: 1, 11: 1, 12: 1 }, { site: 'b' });
    expect(firings([twice, other], ABOVE_ZERO, 2 * STEP, STEP)).toEqual([
      { labels: { site: 'a' }, start: 2 * STEP, end: 3 * STEP },
      { labels: { site: 'a' }, start: 7 * STEP, end: 8 * STEP },
      { labels: { site: 'b' }, start: 12 * STEP, end: 13 * STEP },
    ]);
  });
});
