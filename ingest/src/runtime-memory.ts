// The service's own V8 settings, applied by replacing the process with itself once, before
// anything else is loaded (server.ts imports this first), so `npm start`, a container or any
// other launcher runs the service the same way, under the same process id.
//
// Why (V8): V8 sizes the young generation for throughput (semi-spaces of up to 32 MiB on 64-bit) and
// keeps the pages it freed, so after a burst of large OTLP requests the process held ~150 MiB of
// 256 KiB pages that its heap no longer used (heapTotal 35 MiB). With 8 MiB semi-spaces the same
// run ended ~80 MiB lower (embedded ClickHouse, 100 requests of 1,000 spans and 2,000 beacons of
// 50 events, RSS after the spool drained).

const YOUNG_GENERATION_FLAG = '--max-semi-space-size';
/** MiB per semi-space: large enough that a 1,000-span request's garbage dies young. */
const SEMI_SPACE_MIB = 8;

/** True when the operator chose the young generation's size (NODE_OPTIONS or node's own arguments). */
function chosenByOperator(): boolean {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((argument) =>
    argument.startsWith(YOUNG_GENERATION_FLAG),
  );
}

/**
 * glibc malloc, which the embedded engine's threads allocate through (it read only at start):
 * two arenas, and freed memory above 64 KiB handed back to the system instead of kept for later.
 * The same run as above ended at ~458 MiB with these against ~492 MiB without (the main arena
 * held 45 MiB after the load, 14 MiB with them). An operator's own values are kept.
 */
const MALLOC_SETTINGS: Record<string, string> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '65536',
  MALLOC_TRIM_THRESHOLD_: '65536',
};

const env = { ...process.env };
let envChanged = false;
for (const [name, value] of Object.entries(MALLOC_SETTINGS)) {
  if (env[name] === undefined) {
    env[name] = value;
    envChanged = true;
  }
}
const flags = chosenByOperator() ? [] : [`${YOUNG_GENERATION_FLAG}=${SEMI_SPACE_MIB}`];
// Once re-executed, both are in place and this does nothing.
if ((envChanged || flags.length > 0) && typeof process.execve === 'function' && process.platform !== 'win32') {
  process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)], env);
}
