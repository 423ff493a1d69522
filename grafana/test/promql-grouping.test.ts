// Every rendered rule expression groups its set operators explicitly (see support/promql-grouping.ts
// for why): the alert rules Grafana loads and the recording rules Prometheus loads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { precedenceMixings } from './support/promql-grouping.js';
import { provisionedRules, RECORDING_RULES_FILE } from './support/provisioned-rules.js';

const recordingRules = (
  parse(readFileSync(RECORDING_RULES_FILE, 'utf8')) as { groups: Array<{ rules: Array<{ record: string; expr: string }> }> }
).groups.flatMap((group) => group.rules);

describe('PromQL grouping', () => {
  it('finds the growth factor applied to the guard instead of the rate, as the weekly level once read', () => {
    const once = 'sum by (site) (rate(x[2h] offset 6d23h))\nand on (site)\nsum by (site) (x offset 7d1h)\n* clamp(g, 0.5, 2)';
    expect(precedenceMixings(once)).toEqual([{ operators: ['*', 'and'], text: once }]);
    const grouped = '(\nsum by (site) (rate(x[2h] offset 6d23h))\nand on (site)\nsum by (site) (x offset 7d1h)\n)\n* clamp(g, 0.5, 2)';
    expect(precedenceMixings(grouped)).toEqual([]);
  });

  it('finds an operand of `or` or `unless` that is combined without parentheses, and nothing in matchers, strings or ranges', () => {
    expect(precedenceMixings('a > b or b')).toHaveLength(1);
    expect(precedenceMixings('a and b unless c')).toHaveLength(1);
    expect(precedenceMixings('f((a and b) or c, 1 - 2)')).toEqual([]);
    expect(precedenceMixings('(a and b) / c')).toEqual([]);
    expect(precedenceMixings('a or b or c')).toEqual([]);
    expect(precedenceMixings('x{l=~"a|b-c"}[30m:1m] or label_replace(y, "d", "and or * -", "", "")')).toEqual([]);
    expect(precedenceMixings('max(a) or (b unless c) + 1')).toEqual([{ operators: ['+', 'or'], text: 'max(a) or (b unless c) + 1' }]);
  });

  for (const rule of recordingRules) {
    it(`recording rule ${rule.record} groups every set operator`, () => {
      expect(precedenceMixings(rule.expr)).toEqual([]);
    });
  }

  for (const rule of provisionedRules().rules) {
    it(`alert rule ${rule.uid} groups every set operator`, () => {
      expect(precedenceMixings(rule.expr)).toEqual([]);
    });
  }
});
