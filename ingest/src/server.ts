// First: may replace the process with itself under the service's V8 settings (runtime-memory.ts).
import './runtime-memory.js';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { CatalogError } from './catalog/catalog.js';
import { loadConfig } from './config.js';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.js';
import { type IdleHeapRelease, releaseHeapWhenIdle } from './idle-heap-release.js';
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

// Started once listening (below); a signal may come first.
let heapRelease: IdleHeapRelease | undefined;
// SIGTERM/SIGINT: stop taking requests, write what is buffered to ClickHouse, then exit.
const grace = closeWithGrace({ delay: 20_000, skip: ['SIGTERM'] }, async ({ signal, err, manual }) => {
  if (err) app.log.error({ err }, 'closing after an uncaught error');
  else app.log.info({ signal: manual ? 'SIGTERM' : signal }, 'closing');
  heapRelease?.stop();
  await app.close();
  // After the app: the spans of the last flushes are exported too.
  await selfTelemetry?.shutdown().catch((error: unknown) => app.log.warn({ err: error }, 'the last self-telemetry could not be exported'));
});
// SIGTERM is ours, not close-with-grace's, for two reasons seen in a trace of a launcher killed
// outright: the kernel's parent-death signal (stack/src/exit-with-parent.ts) came twice, and
// close-with-grace answers a second signal by exiting at once, unflushed. Worse, it swaps its
// listeners on the first, and for that instant the signal has none, so Node restores the default
// action: a SIGTERM pending then killed the process outright, leaving the data folder's lock.
// This listener stays for the whole life of the process; the first SIGTERM closes, later ones wait
// for that close (still bounded by the delay above).
let terminating = false;
process.on('SIGTERM', () => {
  if (terminating) {
    app.log.info('SIGTERM again: already closing');
    return;
  }
  terminating = true;
  void grace.close();
});
// The same instant without a listener for SIGINT: a second Ctrl-C still exits at once, never by the default action.
process.on('SIGINT', () => {});

if (injectedFaults) app.log.warn({ file: injectedFaults.file }, 'test-only fault injection is on (FOOTFALL_TEST_FAULT_FILE)');
await app.listen({ port: config.port, host: config.host });
// Once idle after work, the heap gives back the memory a load made it grow into (idle-heap-release.ts).
heapRelease = releaseHeapWhenIdle({
  idleMs: config.heapReleaseIdleS * 1000,
  gc: globalThis.gc,
  onRelease: ({ heapBeforeMiB, heapAfterMiB, ms }) =>
    app.log.info(
      { heapBeforeMiB: Math.round(heapBeforeMiB), heapAfterMiB: Math.round(heapAfterMiB), ms: Math.round(ms) },
      'idle: the JavaScript heap gave its free memory back',
    ),
});
