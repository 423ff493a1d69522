// The embedded engine's reads get their values written into the statement (src/clickhouse/
// inline-params.ts) instead of bound: for every placeholder type the service uses, the same
// statement must answer the same with its values written in as bound, hard strings and edge
// numbers included, and a value binding refuses must be refused written in too.
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { inlineParams } from '../src/clickhouse/inline-params.js';
import { readPoolOf } from '../src/clickhouse/read-pool.js';
import { freshDataDir } from './support/test-app.js';

const HARD_STRINGS = [
  '',
  "it's",
  "''",
  'back\\slash\\',
  '\\',
  "\\'",
  'tab\there',
  'new\nline\r\n',
  'nul\0byte',
  'ünïcødé 😀 日本',
  '{x:String}',
  "'); DROP TABLE events; --",
  '/* not a comment */ -- nor this',
];

/** Each placeholder type the service's reads use, with values its callers pass and edge values. */
const CASES: Array<[type: string, value: unknown]> = [
  ...HARD_STRINGS.map((value): [string, unknown] => ['String', value]),
  ['String', 12],
  ['UInt32', 0],
  ['UInt32', 4_294_967_295],
  ['UInt32', '17'],
  ['UInt64', 0],
  ['UInt64', 9_007_199_254_740_991],
  ['UInt64', 18_446_744_073_709_551_615n],
  ['UInt64', '18446744073709551615'],
  ['Int64', -9_007_199_254_740_991],
  ['Int64', '-9223372036854775808'],
  ['Array(String)', []],
  ['Array(String)', HARD_STRINGS],
  ['Array(UInt64)', []],
  ['Array(UInt64)', [0, 1, 18_446_744_073_709_551_615n]],
  ['Date', '2026-12-07'],
  ['Date', '1970-01-01'],
  ["DateTime64(3, 'UTC')", '2026-12-07 10:11:12.345'],
  ["DateTime64(3, 'UTC')", 1_765_100_000],
  ["DateTime64(3, 'UTC')", 1_765_100_000.5],
  // Thirteen digits: binding reads milliseconds here; a bare number cast would read seconds.
  ["DateTime64(3, 'UTC')", 1_765_100_000_123],
  ["DateTime64(9, 'UTC')", '2026-12-07 10:11:12.123456789'],
  ["DateTime64(9, 'UTC')", 1_765_100_000],
];

/** Values binding refuses; written in, each must be refused too (not wrapped, truncated or read otherwise). */
const REFUSED: Array<[type: string, value: unknown]> = [
  ['UInt32', -1],
  ['UInt32', 1.5],
  ['UInt64', '-1'],
  ['Int64', '1e3'],
  ['Date', 20_000],
  ["DateTime64(3, 'UTC')", 'yesterday'],
  ['Array(UInt64)', [0, '5']],
];

const show = (value: unknown) => JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? `${item}n` : item));

describe('values written into a statement', () => {
  let client: ClickHouseClient;
  // Every value as text, and its type: JSON's numbers would round a 64-bit one alike on both sides.
  const statement = (type: string) => `SELECT toString({v:${type}}) AS text, toTypeName({v:${type}}) AS type`;
  const bound = async (query: string, params: Record<string, unknown>) =>
    (await client.query({ query, query_params: params, format: 'JSONEachRow' })).json();
  const inlined = async (query: string, params: Record<string, unknown>) => readPoolOf(client)!.rows(query, params);

  beforeAll(async () => {
    client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
  });
  afterAll(async () => {
    await client.close();
  });

  it.each(CASES.map(([type, value]) => [type, show(value), value]))('%s %s: the same as bound', async (type, _shown, value) => {
    const query = statement(type);
    const expected = await bound(query, { v: value });
    expect(expected).toHaveLength(1);
    expect(await inlined(query, { v: value })).toEqual(expected);
  });

  it('keeps every hard string exactly (the answer is the value itself, not only what binding answers)', async () => {
    const [row] = await inlined('SELECT {v:Array(String)} AS v, {s:String} AS s', { v: HARD_STRINGS, s: HARD_STRINGS.join('|') });
    expect(row).toEqual({ v: HARD_STRINGS, s: HARD_STRINGS.join('|') });
  });

  it.each(REFUSED.map(([type, value]) => [type, show(value), value]))('%s %s: refused as bound', async (type, _shown, value) => {
    const query = statement(type);
    await expect(bound(query, { v: value })).rejects.toThrow();
    await expect(inlined(query, { v: value })).rejects.toThrow(/Cannot (parse|read)|must not contain/);
  });

  it('fills names made at run time, each placeholder as often as it appears', async () => {
    const params = { t0: 1_765_100_000, t1: 1_765_103_600, tz: 'Asia/Kolkata' };
    const query = `SELECT toString(toDateTime64({t0:UInt32}, 3, 'UTC')) AS a, {t1: UInt32} - {t0:UInt32} AS b, toString(toDateTime({t0:UInt32}, {tz:String})) AS c`;
    expect(await inlined(query, params)).toEqual(await bound(query, params));
  });

  it('leaves a placeholder in a string literal, a quoted name or a comment as text, as the server does', () => {
    const query = `SELECT '{v:String}', 'it''s {v:String}', 'a\\'{v:String}', "{v:String}", \`{v:String}\` -- {v:String}
      /* {v:String} */ , {v:String}`;
    expect(inlineParams(query, { v: 'x' })).toBe(
      `SELECT '{v:String}', 'it''s {v:String}', 'a\\'{v:String}', "{v:String}", \`{v:String}\` -- {v:String}
      /* {v:String} */ , CAST('x' AS String)`,
    );
  });

  it('fails loudly on a placeholder without a value, as binding does', async () => {
    await expect(bound('SELECT {missing:String}', { other: 'x' })).rejects.toThrow();
    expect(() => inlineParams('SELECT {missing:String}', { other: 'x' })).toThrow('Query parameter `missing` was not set');
    expect(() => inlineParams('SELECT {gone:UInt32}', { gone: undefined })).toThrow('Query parameter `gone` has no value');
    await expect(inlined('SELECT {missing:String}', {})).rejects.toThrow('`missing` was not set');
  });
});
