// One provider for the one folder: Grafana loads the rendered JSON from where the container
// mounts grafana/dashboards, and the UI cannot change what the files define.
import { FOLDER_TITLE, FOLDER_UID } from '../datasources.js';

export const DASHBOARDS_PATH = '/var/lib/grafana/dashboards';

export function dashboardProvidersFile() {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'footfall',
        orgId: 1,
        folder: FOLDER_TITLE,
        folderUid: FOLDER_UID,
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: DASHBOARDS_PATH },
      },
    ],
  };
}
