// Everything this package renders, by path from the repository root. `npm run render` writes
// it; the staleness test compares it with the committed files.
import { stringify } from 'yaml';
import { recordingRulesFile } from './alerting/expected-level.js';
import {
  alertRulesFile,
  CONTACT_POINTS_DIR,
  contactPointChannels,
  notificationPoliciesFile,
  notificationTemplatesFile,
} from './alerting/provisioning.js';
import { loadCatalog } from './catalog.js';
import { allDashboards } from './dashboards/index.js';
import { alertPanelIds, PIPELINE_UID } from './dashboards/pipeline.js';
import { dashboardProvidersFile } from './provisioning/dashboards.js';
import { dataSourcesFile } from './provisioning/datasources.js';

const HEADER = '# Rendered by `npm run grafana:render` from grafana/src. Edit the TypeScript, not this file.\n';

// The SDK's query objects carry a marker method; a JSON round trip leaves only the data.
const plain = (document: unknown): unknown => JSON.parse(JSON.stringify(document));
const yaml = (document: unknown): string => HEADER + stringify(plain(document), { lineWidth: 0 });
const json = (document: unknown): string => `${JSON.stringify(document, null, 2)}\n`;

export function renderAll(): Map<string, string> {
  const files = new Map<string, string>();
  const dashboards = allDashboards(loadCatalog());
  for (const [name, dashboard] of Object.entries(dashboards)) {
    files.set(`grafana/dashboards/${name}`, json(dashboard));
  }
  files.set('provisioning/datasources/datasources.yaml', yaml(dataSourcesFile()));
  files.set('provisioning/dashboards/footfall.yaml', yaml(dashboardProvidersFile()));
  const pipeline = dashboards['pipeline.json']!;
  files.set('provisioning/alerting/rules.yaml', yaml(alertRulesFile({ dashboardUid: PIPELINE_UID, panelIds: alertPanelIds(pipeline) })));
  files.set('provisioning/alerting/templates.yaml', yaml(notificationTemplatesFile()));
  files.set('provisioning/prometheus/footfall-rules.yml', yaml(recordingRulesFile()));
  for (const channel of contactPointChannels()) files.set(`${CONTACT_POINTS_DIR}/${channel.file}`, yaml(channel.document));
  files.set('provisioning/alerting/notification-policies.yaml', yaml(notificationPoliciesFile()));
  return files;
}
