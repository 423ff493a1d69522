// The two data sources, with the uids the dashboards and rules use. Servers and credentials are
// read from the environment by Grafana when it starts.
import { CLICKHOUSE_PLUGIN, CLICKHOUSE_UID, PROMETHEUS_PLUGIN, PROMETHEUS_UID } from '../datasources.js';

export function dataSourcesFile() {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'ClickHouse',
        uid: CLICKHOUSE_UID,
        type: CLICKHOUSE_PLUGIN,
        orgId: 1,
        editable: false,
        jsonData: {
          protocol: 'http',
          host: '${CLICKHOUSE_HOST}',
          port: '${CLICKHOUSE_PORT}',
          secure: false,
          // A user with readonly = 1 (and no grants beyond SELECT): a dashboard can never write.
          username: '${CLICKHOUSE_READONLY_USER}',
          defaultDatabase: '${CLICKHOUSE_DATABASE}',
          traces: {
            defaultDatabase: '${CLICKHOUSE_DATABASE}',
            defaultTable: 'otel_traces',
            otelEnabled: true,
          },
        },
        secureJsonData: { password: '${CLICKHOUSE_READONLY_PASSWORD}' },
      },
      {
        name: 'Prometheus',
        uid: PROMETHEUS_UID,
        type: PROMETHEUS_PLUGIN,
        orgId: 1,
        access: 'proxy',
        url: '${PROMETHEUS_URL}',
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: '15s', httpMethod: 'POST' },
      },
    ],
  };
}
