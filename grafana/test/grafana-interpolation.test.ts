// The re-done variable and macro expansion, against what Grafana and the ClickHouse plugin write.
import { describe, expect, it } from 'vitest';
import { expandMacros, interpolateVariables, panelSql } from './support/grafana-interpolation.js';

const range = { from: Date.UTC(2026, 0, 5, 10), to: Date.UTC(2026, 0, 5, 12), intervalMs: 300_000 };

describe('Grafana interpolation', () => {
  it('expands the plugin macros the way its pkg/macros does', () => {
    expect(expandMacros('WHERE $__timeFilter(ts)', range)).toBe('WHERE ts >= toDateTime(1767607200) AND ts <= toDateTime(1767614400)');
    expect(expandMacros('$__timeInterval(minute)', range)).toBe('toStartOfInterval(toDateTime(minute), INTERVAL 300 second)');
    expect(expandMacros('$__fromTime_ms, $__toTime, $__interval_s', range)).toBe(
      'fromUnixTimestamp64Milli(1767607200000), toDateTime(1767614400), 300',
    );
    expect(() => expandMacros('$__nope(x)', range)).toThrow(/unknown macro/);
  });

  it('quotes sqlstring variables, one value or several, and escapes quotes', () => {
    expect(interpolateVariables('site = ${site:sqlstring}', { site: 'portfolio' })).toBe("site = 'portfolio'");
    expect(interpolateVariables('path IN (${page:sqlstring})', { page: ['/', "/it's"] })).toBe("path IN ('/','/it''s')");
    expect(interpolateVariables('$site', { site: 'portfolio' })).toBe('portfolio');
    expect(() => interpolateVariables('${missing}', {})).toThrow(/no value/);
  });

  it('replaces variables before macros, leaving no $ behind', () => {
    expect(panelSql('SELECT 1 WHERE site = ${site:sqlstring} AND $__timeFilter(ts)', { site: 'p' }, range)).not.toContain('$');
  });
});
