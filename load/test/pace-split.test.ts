// How a paced step is shared out over the autocannon runs that send it (drive.ts): every request
// and every request per second given to some run, and no run with more work than the step's time.
import { describe, expect, it } from 'vitest';
import { paceSplit } from '../src/drive.js';

describe('paceSplit', () => {
  it.each([
    [781, 78, 10],
    [100, 10, 10],
    [34_694, 3_469, 10],
    [5, 3, 3],
  ])('shares %i requests at %i/s over %i runs, each lasting the step or less', (requests, rate, parts) => {
    const pieces = paceSplit(requests, rate, parts);
    expect(pieces.reduce((sum, piece) => sum + piece.requests, 0)).toBe(requests);
    expect(pieces.reduce((sum, piece) => sum + piece.rate, 0)).toBe(rate);
    const stepS = requests / rate;
    // A run may lag by at most one request behind the step's schedule.
    for (const piece of pieces) expect(piece.requests / piece.rate).toBeLessThanOrEqual(stepS + 1 / piece.rate);
  });

  it('gives the runs at 7/s their share of 781 requests, not a tenth of them', () => {
    const pieces = paceSplit(781, 78, 10);
    expect(pieces.map((piece) => piece.rate)).toEqual([8, 8, 8, 8, 8, 8, 8, 8, 7, 7]);
    for (const piece of pieces.filter((p) => p.rate === 7)) expect(piece.requests).toBeLessThanOrEqual(71);
  });
});
