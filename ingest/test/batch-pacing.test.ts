import { describe, expect, it } from 'vitest';
import { BatchPacing, BUSY_FACTOR, BUSY_ROWS_PER_SECOND } from '../src/pipeline/batch-pacing.js';

// The wait of a table's open batch: one interval while the table is quiet, BUSY_FACTOR intervals
// once its last batch came in at BUSY_ROWS_PER_SECOND or more, and back when the rate falls.
// Times are given, not measured: the pacing reads no clock.
describe('batch pacing', () => {
  it('waits one interval while quiet and five once a batch came in at the busy rate', () => {
    const pacing = new BatchPacing(1000);
    expect(pacing.waitMs).toBe(1000);
    pacing.sealed(BUSY_ROWS_PER_SECOND - 1, 1000);
    expect(pacing.waitMs).toBe(1000);
    pacing.sealed(BUSY_ROWS_PER_SECOND, 1000);
    expect(pacing.waitMs).toBe(1000 * BUSY_FACTOR);
  });

  it('goes back to one interval when a long batch brings fewer rows a second', () => {
    const pacing = new BatchPacing(1000);
    pacing.sealed(5000, 1000);
    expect(pacing.waitMs).toBe(5000);
    // 4,000 rows over the busy wait of 5 s: 800 a second.
    pacing.sealed(4000, 5000);
    expect(pacing.waitMs).toBe(1000);
  });

  it('judges a batch sealed early over one interval at least, so a flush of a few rows is never busy', () => {
    const pacing = new BatchPacing(1000);
    pacing.sealed(50, 10);
    expect(pacing.waitMs).toBe(1000);
    // A full batch sealed at once is busy however short its time.
    pacing.sealed(20_000, 300);
    expect(pacing.waitMs).toBe(5000);
  });

  it('scales with the configured interval', () => {
    const pacing = new BatchPacing(50);
    pacing.sealed(50, 50);
    expect(pacing.waitMs).toBe(50 * BUSY_FACTOR);
  });
});
