// What `npm run stack` runs, from its environment: the ports, the demo's port, the folder of data
// and logs, and the catalog the ingest service takes (the owner's plus the demo's origins, checked
// first), as options of the native stack. Apart from the script so a test starts the same stack.
import { join, resolve } from 'node:path';
import { type NativeStackOptions, portsFromEnv } from '@footfall/stack';
import { type DemoCatalog, launcherCatalog } from './demo-catalog.js';

const DEFAULT_DEMO_PORT = 5173;
export const DEMO_SITE = 'portfolio';

export interface StackPlan {
  demoPort: number;
  /** The catalog the ingest service runs with, and a warning when the demo cannot work with it. */
  catalog: DemoCatalog;
  options: NativeStackOptions;
}

function demoPortFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_DEMO_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`DEMO_PORT must be a port number, not "${raw}"`);
  return port;
}

/** Throws a CatalogError naming the file and each mistake when the owner's catalog is bad. */
export function stackPlan(env: NodeJS.ProcessEnv): StackPlan {
  const ports = portsFromEnv(env);
  const demoPort = demoPortFromEnv(env.DEMO_PORT);
  const baseDir = resolve(env.STACK_DIR ?? '.data/stack');
  // The ingest service's own data folder (NativeStack's layout): the copy of the catalog goes beside its data.
  const catalog = launcherCatalog({ env, dataDir: join(baseDir, 'ingest'), demoPort, site: DEMO_SITE });
  return {
    demoPort,
    catalog,
    options: {
      baseDir,
      ports,
      corsOrigins: [`http://127.0.0.1:${demoPort}`, `http://localhost:${demoPort}`],
      ingestEnv: { CATALOG_FILE: catalog.file },
      // Ctrl-C reaches only the launcher, which stops the services in order.
      ownProcessGroups: true,
      // The ingest service's own spans and metrics go through the Collector into its own tables.
      selfTelemetry: true,
    },
  };
}
