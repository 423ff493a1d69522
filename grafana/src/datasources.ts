// The uids every dashboard, data source file and alert rule refers to. Defined once here so a
// rename cannot leave a dangling reference (the reference test checks the rendered files).
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

export const CLICKHOUSE_UID = 'clickhouse';
export const PROMETHEUS_UID = 'prometheus';

export const CLICKHOUSE_PLUGIN = 'grafana-clickhouse-datasource';
export const PROMETHEUS_PLUGIN = 'prometheus';

export const clickhouse: DataSourceRef = { type: CLICKHOUSE_PLUGIN, uid: CLICKHOUSE_UID };
export const prometheus: DataSourceRef = { type: PROMETHEUS_PLUGIN, uid: PROMETHEUS_UID };

/** The folder (by uid and title) that holds every dashboard and alert rule. */
export const FOLDER_UID = 'footfall';
export const FOLDER_TITLE = 'Footfall';
