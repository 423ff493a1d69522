// Every PromQL panel goes through here, so each one names the data source by its fixed uid.
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { prometheus } from './datasources.js';

export function promQuery(expr: string, legendFormat = '__auto', refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder().datasource(prometheus).expr(expr).legendFormat(legendFormat).refId(refId).range();
}
