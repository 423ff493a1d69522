/**
 * A statement's `{name:Type}` placeholders written into its text as `CAST(<literal> AS Type)`, for
 * the embedded engine's read connections (clickhouse/read-pool.ts). Why not bind them: the engine's
 * binding sets and resets parameter state that its library does not keep apart per connection, so
 * chdb runs every statement with parameters through one chain for the whole process, one at a
 * time, whatever connection it came from; a statement without parameters runs beside the others.
 * Measured on 2 cores: 4 statements of about 40 ms each took 157 ms in turn on one connection, 87
 * ms at once on 4 connections.
 *
 * Each value is written as the text a server is sent for a parameter, made by the ClickHouse
 * client's own formatter (a string is its own text), inside a string literal that formatter quotes,
 * never escaped by hand: `CAST('<text>' AS Type)` parses that text as the type, as binding does
 * (checked type by type, bad values included, in test/inline-params.test.ts). A number written
 * bare would not mean the same: `CAST(-1 AS UInt32)` wraps where binding refuses, and a
 * DateTime64 read from a number is seconds where binding reads 13 digits as milliseconds.
 * A placeholder inside a string literal, a quoted name or a comment is text, as for the server,
 * and stays as it is; one whose name is not among the values fails, as binding does.
 */
import { formatQueryParams } from '@clickhouse/client-common';

/**
 * In order: a '...' string, a "..." or `...` name, a line or block comment (each kept as it is),
 * or a placeholder: its name and its type (types never hold braces).
 */
const TOKEN =
  /'(?:[^'\\]|\\[\s\S]|'')*'|"(?:[^"\\]|\\[\s\S]|"")*"|`(?:[^`\\]|\\[\s\S]|``)*`|--[^\n]*|\/\*[\s\S]*?\*\/|\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/g;

/** The statement with every placeholder replaced by its value, typed as the placeholder says. */
export function inlineParams(query: string, params: Readonly<Record<string, unknown>>): string {
  return query.replace(TOKEN, (token, name: string | undefined, type: string | undefined) => {
    if (name === undefined || type === undefined) return token;
    if (!Object.hasOwn(params, name)) throw new Error(`Query parameter \`${name}\` was not set`);
    const value = params[name];
    if (value === null || value === undefined) throw new Error(`Query parameter \`${name}\` has no value`);
    const text = typeof value === 'string' ? value : formatQueryParams({ value });
    const literal = formatQueryParams({ value: text, wrapStringInQuotes: true });
    return `CAST(${literal} AS ${type})`;
  });
}
