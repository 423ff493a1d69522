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

/**
 * The browser origins the Collector's CORS allows: the demo's, and those of `COLLECTOR_CORS_ORIGINS`
 * (the Collector's own variable, a YAML list such as `[https://example.com, https://www.example.com]`,
 * or the same without brackets), so a site of the owner's can send through the Collector too.
 */
export function collectorCorsOrigins(env: NodeJS.ProcessEnv, demoPort: number): string[] {
  const demo = [`http://127.0.0.1:${demoPort}`, `http://localhost:${demoPort}`];
  const raw = env.COLLECTOR_CORS_ORIGINS?.trim().replace(/^\[|\]$/g, '') ?? '';
  const named = raw
    .split(',')
    .map((origin) => origin.trim().replace(/^["']|["']$/g, ''))
    .filter((origin) => origin !== '');
  return [...new Set([...demo, ...named])];
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
      corsOrigins: collectorCorsOrigins(env, demoPort),
      ingestEnv: { CATALOG_FILE: catalog.file },
      // Ctrl-C reaches only the launcher, which stops the services in order.
      ownProcessGroups: true,
      // The ingest service's own spans and metrics go through the Collector into its own tables.
      selfTelemetry: true,
    },
  };
}
