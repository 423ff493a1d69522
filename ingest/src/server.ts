// First: may replace the process with itself under the service's V8 settings (runtime-memory.ts).
import './runtime-memory.js';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { CatalogError } from './catalog/catalog.js';
import { loadConfig } from './config.js';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.js';
import { startSelfTelemetry } from './telemetry/self-telemetry.js';
import { injectedFaultsFrom } from './testing/injected-faults.js';

// The entry point: the only place that listens, handles signals and exits.
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

// Before anything opens the data folder: a second service on it is refused with one line naming the first.
try {
  process.on('exit', lockDataDir(config.dataDir));
} catch (error) {
  if (!(error instanceof DataDirInUseError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// Before the app is built: the fastify instrumentation hooks the instance's creation.
const selfTelemetry = await startSelfTelemetry();
// Test-only doubles of a full disk and a failing engine (docs/configuration.md, FOOTFALL_TEST_FAULT_FILE); undefined unless asked for.
const injectedFaults = await injectedFaultsFrom(process.env, config, (message) => console.warn(message));
let app: Awaited<ReturnType<typeof buildApp>>;
try {
  app = await buildApp(config, injectedFaults ? { clickhouse: injectedFaults.clickhouse } : {});
} catch (error) {
  // A bad catalog is the owner's to fix: its message names each bad entry, a stack trace would bury it.
  if (!(error instanceof CatalogError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// SIGTERM/SIGINT: stop taking requests, write what is buffered to ClickHouse, then exit.
closeWithGrace({ delay: 20_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an uncaught error');
  else app.log.info({ signal }, 'closing');
  await app.close();
  // After the app: the spans of the last flushes are exported too.
  await selfTelemetry?.shutdown().catch((error: unknown) => app.log.warn({ err: error }, 'the last self-telemetry could not be exported'));
});

if (injectedFaults) app.log.warn({ file: injectedFaults.file }, 'test-only fault injection is on (FOOTFALL_TEST_FAULT_FILE)');
await app.listen({ port: config.port, host: config.host });
