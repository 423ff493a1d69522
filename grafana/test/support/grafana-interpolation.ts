// What happens to a panel's SQL before it reaches ClickHouse: Grafana's front end replaces the
// template variables, then the ClickHouse plugin's back end expands its macros. Both are
// re-done here, following the plugin's pkg/macros, so the tests run the SQL a dashboard runs.

export interface TimeRange {
  from: number;
  to: number;
  /** The panel's interval, which Grafana derives from the range and the panel's width. */
  intervalMs: number;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);
const dateTime = (ms: number): string => `toDateTime(${seconds(ms)})`;
const dateTime64 = (ms: number): string => `fromUnixTimestamp64Milli(${ms})`;
const date = (ms: number): string => `toDate('${new Date(ms).toISOString().slice(0, 10)}')`;

type Macro = (args: string[], range: TimeRange) => string;

const MACROS: Record<string, Macro> = {
  fromTime: (_, r) => dateTime(r.from),
  toTime: (_, r) => dateTime(r.to),
  fromTime_ms: (_, r) => dateTime64(r.from),
  toTime_ms: (_, r) => dateTime64(r.to),
  timeFilter: ([c], r) => `${c} >= ${dateTime(r.from)} AND ${c} <= ${dateTime(r.to)}`,
  timeFilter_ms: ([c], r) => `${c} >= ${dateTime64(r.from)} AND ${c} <= ${dateTime64(r.to)}`,
  dateFilter: ([c], r) => `${c} >= ${date(r.from)} AND ${c} <= ${date(r.to)}`,
  timeInterval: ([c], r) => `toStartOfInterval(toDateTime(${c}), INTERVAL ${Math.max(seconds(r.intervalMs), 1)} second)`,
  timeInterval_ms: ([c], r) => `toStartOfInterval(toDateTime64(${c}, 3), INTERVAL ${Math.max(r.intervalMs, 1)} millisecond)`,
  interval_s: (_, r) => String(Math.max(seconds(r.intervalMs), 1)),
};

/** Expands the plugin's macros; an unknown one throws, as the plugin answers with an error. */
export function expandMacros(sql: string, range: TimeRange): string {
  return sql.replace(/\$__(\w+)(?:\(([^()]*)\))?/g, (whole, name: string, args: string | undefined) => {
    const macro = MACROS[name];
    if (!macro) throw new Error(`unknown macro ${whole}`);
    return macro(args === undefined ? [] : args.split(',').map((arg) => arg.trim()), range);
  });
}

/** A variable's value(s): one string, or several for a multi-value variable. */
export type VariableValues = Record<string, string | string[]>;

// Grafana's `sqlstring` format: each value in single quotes with quotes doubled, joined by commas.
const sqlString = (value: string | string[]): string =>
  (Array.isArray(value) ? value : [value]).map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
const raw = (value: string | string[]): string => (Array.isArray(value) ? value.join(',') : value);

/** Replaces `${name}`, `${name:sqlstring}`, `${name:raw}` and `$name`; an unknown name throws. */
export function interpolateVariables(sql: string, values: VariableValues): string {
  const lookup = (name: string): string | string[] => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for variable ${name}`);
    return value;
  };
  return sql
    .replace(/\$\{([\w.]+)(?::(\w+))?\}/g, (_, name: string, format: string | undefined) => {
      if (format === undefined || format === 'raw') return raw(lookup(name));
      if (format === 'sqlstring') return sqlString(lookup(name));
      throw new Error(`unsupported variable format ${format}`);
    })
    .replace(/\$(?!__)(\w+)/g, (_, name: string) => raw(lookup(name)));
}

/** A panel's SQL as ClickHouse receives it. */
export function panelSql(sql: string, values: VariableValues, range: TimeRange): string {
  return expandMacros(interpolateVariables(sql, values), range);
}
