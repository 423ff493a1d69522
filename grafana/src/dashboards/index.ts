// Every dashboard, by the file name it is rendered to.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Catalog } from '../catalog.js';
import { navigationDashboard } from './navigation.js';
import { performanceDashboard } from './performance.js';
import { pipelineDashboard } from './pipeline.js';
import { roomDashboard } from './room.js';
import { visitorsDashboard } from './visitors.js';

export function allDashboards(catalog: Catalog): Record<string, Dashboard> {
  return {
    'visitors.json': visitorsDashboard(catalog),
    'room.json': roomDashboard(catalog),
    'navigation.json': navigationDashboard(catalog),
    'performance.json': performanceDashboard(catalog),
    'pipeline.json': pipelineDashboard(catalog),
  };
}
