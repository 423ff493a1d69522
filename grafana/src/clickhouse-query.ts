// The Foundation SDK has query builders for Prometheus, Loki and others but none for the
// ClickHouse data source plugin, so this is the one place that knows its query model.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { clickhouse } from './datasources.js';

/** How the plugin shapes the result: the panel type decides which one it needs. */
export type ClickHouseFormat = 'timeseries' | 'table' | 'traces';

// The plugin's backend reads `format` as a number (sqlds' format options); `queryType` is what
// its editor shows. Both are written so the query opens in the SQL editor as it was saved.
const FORMAT_CODE: Record<ClickHouseFormat, number> = { timeseries: 0, table: 1, traces: 3 };

export interface ClickHouseQuery extends cog.Dataquery {
  refId: string;
  datasource: typeof clickhouse;
  editorType: 'sql';
  queryType: ClickHouseFormat;
  format: number;
  rawSql: string;
}

export class ClickHouseQueryBuilder implements cog.Builder<cog.Dataquery> {
  readonly #query: ClickHouseQuery;

  constructor(rawSql: string) {
    this.#query = {
      refId: 'A',
      datasource: clickhouse,
      editorType: 'sql',
      queryType: 'table',
      format: FORMAT_CODE.table,
      rawSql: dedent(rawSql),
      _implementsDataqueryVariant() {},
    };
  }

  refId(refId: string): this {
    this.#query.refId = refId;
    return this;
  }

  format(format: ClickHouseFormat): this {
    this.#query.queryType = format;
    this.#query.format = FORMAT_CODE[format];
    return this;
  }

  build(): ClickHouseQuery {
    return { ...this.#query };
  }
}

/** A table query; chain `.format('timeseries')` for time series panels. */
export function clickhouseSql(rawSql: string): ClickHouseQueryBuilder {
  return new ClickHouseQueryBuilder(rawSql);
}

/** A time series query: the SQL must return a `time` column first, sorted by it. */
export function clickhouseTimeSeries(rawSql: string): ClickHouseQueryBuilder {
  return new ClickHouseQueryBuilder(rawSql).format('timeseries');
}

// Queries are written as indented template literals; the saved SQL should read like SQL.
function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => line.match(/^ */)![0].length));
  return lines.map((line) => line.slice(indent)).join('\n');
}
