// The repair of lone surrogates that keeps one visitor's text from poisoning a batch
// (pipeline/well-formed.ts), on rows of every shape the tables make: each string repaired where it
// is, and the count of repairs exact (Pipeline.accept reports it).
import { describe, expect, it } from 'vitest';
import { repairRow, wellFormed } from '../src/pipeline/well-formed.js';

const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';
const REPLACEMENT = '\ufffd';

describe('wellFormed', () => {
  it('returns the very same string when it is well-formed, a pair of surrogates included', () => {
    const text = 'guitar 🎸';
    expect(wellFormed(text)).toBe(text);
  });

  it('replaces each lone surrogate with U+FFFD and keeps the rest', () => {
    expect(wellFormed(`a${LONE_HIGH}b${LONE_LOW}c`)).toBe(`a${REPLACEMENT}b${REPLACEMENT}c`);
  });
});

describe('repairRow', () => {
  it('leaves a well-formed row untouched and counts nothing', () => {
    // Values that are not text and hold none (numbers, null, undefined) are passed over.
    const row = {
      path: '/about',
      props: { note: 'ok 🎸', unset: undefined },
      tags: ['a', ['b'], undefined, null],
      count: 3,
      none: null,
    };
    const copy = structuredClone(row);
    expect(repairRow(row)).toBe(0);
    expect(row).toEqual(copy);
  });

  it('repairs values, map keys and array items at any depth, and counts each string once', () => {
    const row: Record<string, unknown> = {
      path: `/p${LONE_HIGH}`,
      count: 7,
      none: null,
      props: { [`k${LONE_LOW}`]: `v${LONE_HIGH}`, fine: 'yes' },
      items: [`x${LONE_LOW}`, 'y', 3, null, [`z${LONE_HIGH}`, { deep: `d${LONE_LOW}` }]],
    };
    expect(repairRow(row)).toBe(6);
    expect(row).toEqual({
      path: `/p${REPLACEMENT}`,
      count: 7,
      none: null,
      props: { [`k${REPLACEMENT}`]: `v${REPLACEMENT}`, fine: 'yes' },
      items: [`x${REPLACEMENT}`, 'y', 3, null, [`z${REPLACEMENT}`, { deep: `d${REPLACEMENT}` }]],
    });
    // The repaired key replaced the broken one; no broken key is left behind.
    expect(Object.keys(row.props as object).every((key) => key.isWellFormed())).toBe(true);
  });

  it('repairs a row that is an array at the top', () => {
    const row = [LONE_HIGH, 'ok', { key: LONE_LOW }];
    expect(repairRow(row)).toBe(2);
    expect(row).toEqual([REPLACEMENT, 'ok', { key: REPLACEMENT }]);
  });
});
