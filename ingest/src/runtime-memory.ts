// The service's own V8, malloc and compiler settings, applied by replacing the process with itself once, before
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
/**
 * `gc()` for idle-heap-release.ts: once idle after work, one full collection that compacts the
 * heap gives back what V8 otherwise keeps (the service's anonymous memory at rest 192 -> 139 MiB).
 */
const EXPOSE_GC_FLAG = '--expose-gc';
/**
 * That collection ('last-resort') also drops every function's bytecode unless V8 keeps it, and the
 * next burst paid for compiling it all again: single-event beacons at 4,000 a second, 5 s bursts
 * alternated in one service, main thread per event after a release against none, medians of 3:
 * +9.5 µs (+6.5 to +18.5) with flushing, +6.1 (+3.4 to +7.0) without; 4 rounds with 8 MiB
 * semi-spaces from the start: +13.7 against +5.3. Without it, bytecode V8 would have dropped for
 * age (functions run once at start) stays: about 3 MiB.
 */
const KEEP_BYTECODE_FLAG = '--no-flush-bytecode';

/** True when node already runs with `flag` (NODE_OPTIONS or node's own arguments; `_` and `-` alike), the operator's choice. */
function given(flag: string): boolean {
  const name = flag.replaceAll('_', '-');
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((argument) =>
    argument.replaceAll('_', '-').startsWith(name),
  );
}

/**
 * glibc malloc, which Node.js and its threads allocate through, and the embedded engine in part
 * (most of the engine's memory comes from its own jemalloc); read only at start: two arenas,
 * blocks of 16 KiB and more mapped on their own and handed back to the system when freed, and a
 * free top of the heap above 64 KiB handed back too. The same run as above ended at ~458 MiB with
 * these against ~492 MiB without (the main arena held 45 MiB after the load, 14 MiB with them).
 * With 64 KiB instead of 16, freed blocks in between stayed as holes among live ones, which glibc
 * keeps: after a load and 30 s idle the two arenas held 30-32 MiB for 12-14 MiB in use, against
 * 15-18 for 9 with 16 KiB, and `npm run bench`'s anonymous memory at rest was 13 MiB lower (153
 * against 166 MiB). The cost: 0.1 to 0.2 map-and-unmap pairs per beacon request and about 2 per
 * 100-span OTLP request, under the benchmark's noise. An operator's own values are kept.
 */
const MALLOC_SETTINGS: Record<string, string> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '16384',
  MALLOC_TRIM_THRESHOLD_: '65536',
};

/**
 * tsx compiles the service's TypeScript with esbuild's synchronous API, which by default runs in a
 * worker thread (a V8 instance of its own) with esbuild's process behind it, both kept for the
 * life of the process once one module was compiled: at every start of a fresh install or container
 * (no compile cache yet) and after each code change. Without the worker each compile is a
 * short-lived esbuild process of its own. Measured 12 s after a start with no compile cache: 95
 * against 111 MiB anonymous memory, and no 17 MiB esbuild process left running; the start took
 * 5.8 s against 4.0 (none of it once the cache holds the modules).
 */
const COMPILER_SETTINGS: Record<string, string> = {
  ESBUILD_WORKER_THREADS: '0',
};

const env = { ...process.env };
let envChanged = false;
for (const [name, value] of Object.entries({ ...MALLOC_SETTINGS, ...COMPILER_SETTINGS })) {
  if (env[name] === undefined) {
    env[name] = value;
    envChanged = true;
  }
}
const flags = [
  ...(given(YOUNG_GENERATION_FLAG) ? [] : [`${YOUNG_GENERATION_FLAG}=${SEMI_SPACE_MIB}`]),
  ...(given(EXPOSE_GC_FLAG) ? [] : [EXPOSE_GC_FLAG]),
  ...(given('--flush-bytecode') || given(KEEP_BYTECODE_FLAG) ? [] : [KEEP_BYTECODE_FLAG]),
];
// Once re-executed, all are in place and this does nothing.
if ((envChanged || flags.length > 0) && typeof process.execve === 'function' && process.platform !== 'win32') {
  process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)], env);
}
