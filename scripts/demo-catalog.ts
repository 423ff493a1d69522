/**
 * The catalog `npm start` and `npm run stack` give the ingest service: the owner's (CATALOG_FILE,
 * else the default) with the demo portfolio's origins added to the demo's site. The demo's
 * beacons and OTLP requests carry its page's Origin, and the service takes only a site's own
 * origins, so without this a DEMO_PORT other than the catalog's would be refused (its OTLP
 * blocked by CORS).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Catalog } from '@footfall/contract';
import { repoRoot } from '@footfall/stack';
import { loadCatalog } from '../ingest/src/catalog/catalog.js';

export interface DemoCatalogOptions {
  /** The catalog to start from. */
  baseFile: string;
  /** Where the copy is written (the service's DATA_DIR). */
  dataDir: string;
  /** The site the demo's tracker sends for. */
  site: string;
  /** The demo page's origins, e.g. `http://127.0.0.1:28173`. */
  origins: string[];
}

export interface DemoCatalog {
  /** The catalog file to pass as CATALOG_FILE. */
  file: string;
  /** Said to the person starting it when the demo cannot work with this catalog. */
  warning?: string;
}

export const DEMO_CATALOG_NAME = 'demo-catalog.json';

export function demoCatalog(options: DemoCatalogOptions): DemoCatalog {
  let catalog: Catalog;
  try {
    catalog = JSON.parse(readFileSync(options.baseFile, 'utf8')) as Catalog;
  } catch {
    // Unreadable or not JSON: passed on as it is, so the service's own message names the problem.
    return { file: options.baseFile };
  }
  const site = Array.isArray(catalog.sites) ? catalog.sites.find((candidate) => candidate?.id === options.site) : undefined;
  if (!site) {
    return {
      file: options.baseFile,
      warning: `the catalog ${options.baseFile} has no site "${options.site}": the demo's events will be refused as unknown_site`,
    };
  }
  const known = new Set(site.origins ?? []);
  const missing = options.origins.filter((origin) => !known.has(origin));
  if (missing.length === 0) return { file: options.baseFile };
  site.origins = [...(site.origins ?? []), ...missing];
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, DEMO_CATALOG_NAME);
  writeFileSync(file, `${JSON.stringify(catalog, null, 2)}\n`);
  return { file };
}

export interface LauncherCatalogOptions {
  /** The launcher's environment: CATALOG_FILE names the owner's catalog. */
  env: NodeJS.ProcessEnv;
  /** Where the copy with the demo's origins is written (the service's DATA_DIR). */
  dataDir: string;
  /** The demo portfolio's port; both of its loopback origins are added. */
  demoPort: number;
  site: string;
}

/**
 * The catalog a launcher runs the service with, checked first: the owner's file is judged by the
 * service's own rules before anything is built or started, so a mistake costs a second and the
 * CatalogError names that file and each bad entry. Relative paths as the service reads them (it
 * runs in the repository root).
 */
export function launcherCatalog(options: LauncherCatalogOptions): DemoCatalog {
  const baseFile = resolve(repoRoot, options.env.CATALOG_FILE ?? join('ingest', 'catalog.json'));
  loadCatalog(baseFile);
  return demoCatalog({
    baseFile,
    dataDir: options.dataDir,
    site: options.site,
    origins: [`http://127.0.0.1:${options.demoPort}`, `http://localhost:${options.demoPort}`],
  });
}
