/**
 * `npm start`: the ingest service on embedded ClickHouse, and the demo portfolio beside it,
 * sending it beacons, so a newcomer can click around and watch the events arrive.
 *
 *   PORT                 ingest service port (default 8080); every ingest variable passes through
 *   DEMO_PORT            demo portfolio port (default 5173); any port works: the service runs with
 *                        the catalog (CATALOG_FILE, else the default) plus the demo's origins
 *                        (demo-catalog.ts), written to DATA_DIR/demo-catalog.json when needed
 *   DEMO_TRACKER_MODE    beacon (default), otel or both
 *   COLLECTOR_URL        where the demo sends OTLP in modes otel and both (default: the ingest
 *                        service itself; a Collector is http://127.0.0.1:4318, and its CORS
 *                        origins must then list the demo's)
 *
 * Ctrl-C (or SIGTERM) stops both; the ingest service first writes what it has buffered. Killed
 * outright (SIGKILL), this script still takes the service with it (stack/src/exit-with-parent.ts),
 * and so does a SIGKILL of npm above it (stack/src/launcher-watch.ts).
 */
import { resolve } from 'node:path';
import { repoRoot, startIngest, type ManagedProcess, whenLauncherGoes } from '@footfall/stack';
import { buildDemo } from '../browser/scripts/build.js';
import { serveDemo, type RunningDemo } from '../browser/scripts/demo-server.js';
import type { TrackerMode } from '../browser/src/tracker/types.js';
import { CatalogError } from '../ingest/src/catalog/catalog.js';
import { type DemoCatalog, launcherCatalog } from './demo-catalog.js';

const HOST = '127.0.0.1';
const DEMO_SITE = 'portfolio';
const READY_TIMEOUT_MS = 120_000;
const modes: TrackerMode[] = ['beacon', 'otel', 'both'];

const ingestPort = Number(process.env.PORT ?? 8080);
const demoPort = Number(process.env.DEMO_PORT ?? 5173);
const mode = (process.env.DEMO_TRACKER_MODE ?? 'beacon') as TrackerMode;
if (!modes.includes(mode)) {
  console.error(`DEMO_TRACKER_MODE must be one of ${modes.join(', ')}, not "${mode}"`);
  process.exit(1);
}
const ingestUrl = `http://${HOST}:${ingestPort}`;
const collectorUrl = process.env.COLLECTOR_URL ?? ingestUrl;
// Before the demo is built: a mistake in the catalog costs a second, not a build.
let catalog: DemoCatalog;
try {
  catalog = launcherCatalog({ env: process.env, dataDir: resolve(repoRoot, process.env.DATA_DIR ?? '.data'), demoPort, site: DEMO_SITE });
} catch (error) {
  if (!(error instanceof CatalogError)) throw error;
  console.error(error.message);
  process.exit(1);
}
if (catalog.warning) console.warn(`warning: ${catalog.warning}`);

// Built afresh every time (a few seconds), so the demo always runs the current tracker.
console.log('building the demo portfolio...');
await buildDemo();

let ingest: ManagedProcess;
try {
  // Its own process group: Ctrl-C reaches only this script, which stops the demo, then the service.
  ingest = await startIngest({
    port: ingestPort,
    catalogFile: catalog.file,
    env: { HOST },
    ownProcessGroup: true,
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

let demo: RunningDemo | undefined;
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await demo?.close();
  await ingest.stop();
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
// Killed outright, npm takes none of us with it: stop as on Ctrl-C when it (or tsx) is gone.
whenLauncherGoes(() => void stop().then(() => process.exit(0)));
void ingest.exit.then(async (code) => {
  await demo?.close();
  if (!stopping) console.error(`the ingest service stopped (${code})`);
  process.exit(stopping ? 0 : 1);
});

demo = await serveDemo({
  port: demoPort,
  host: HOST,
  tracker: {
    site: DEMO_SITE,
    mode,
    endpoint: `${ingestUrl}/v1/beacon`,
    collectorUrl,
  },
});
console.log(`
  ingest service   ${ingestUrl}   (stats: ${ingestUrl}/api/stats?range=5m, live: ${ingestUrl}/api/stream)
  demo portfolio   ${demo.url}   (tracker mode: ${mode})

  Click around the demo, then look at the stats. Ctrl-C stops both.
`);
