// The servers a benchmark measures, each in its own process (started through the stack's one
// process launcher), with their memory read from /proc.
import { readFileSync, writeFileSync } from 'node:fs';
import { freePort, startProcess } from '@footfall/stack';

const READY_TIMEOUT_MS = 120_000;

/** A server under test, in its own process: its memory and event loop are not the load generator's. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Resident memory now, in MiB. */
  rssMiB(): number;
  /** Peak resident memory since start (or since the last resetPeak), in MiB. */
  peakRssMiB(): number;
  /** Starts a new peak from now (Linux clear_refs); false where the kernel refuses. */
  resetPeak(): boolean;
  /** CPU seconds used since start, by kind of thread (Linux /proc). */
  cpuSeconds(): ThreadCpu;
  /** Resident memory now split into anonymous (heaps) and file-backed (code pages), in MiB. */
  residentSplitMiB(): { anonymous: number; file: number };
  /** SIGTERM and wait for the exit (the service flushes to ClickHouse first). */
  stop(): Promise<number | string>;
}

/**
 * Where a server's CPU went: its JavaScript (the main thread) and every other thread. In the
 * service the others are mostly the embedded ClickHouse's (inserts, merges, the rollups they feed),
 * with Node.js's own helpers (garbage collection, the libuv pool), which the bare route's figure
 * shows alone. Tells whether the JavaScript or the engine bounds a scenario. Two buckets only: the
 * engine names and renames its threads as it reuses them, so a name says little.
 */
export interface ThreadCpu {
  main: number;
  others: number;
}

const CLOCK_TICKS_PER_S = 100;

/** User plus system CPU seconds from a proc(5) `stat` line (fields 14 and 15; the name may hold spaces). */
function cpuOf(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

/** The process's total includes threads that have ended since, so it is the sum to trust. */
function threadCpu(pid: number): ThreadCpu {
  const main = cpuOf(`/proc/${pid}/task/${pid}/stat`);
  return { main, others: cpuOf(`/proc/${pid}/stat`) - main };
}

/** A `Name:   1234 kB` line of a /proc file (status, smaps_rollup), in MiB; NaN when it is missing. */
function mibField(text: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Runs a TypeScript entry point with `node --import tsx` (one process, so its pid is the server's),
 * ready once `readyPath` answers below 500 (the service's /readyz says 503 until ClickHouse is migrated). */
export async function startServer(script: string, env: Record<string, string | undefined>, readyPath: string): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startProcess({
    name: script,
    file: process.execPath,
    args: ['--import', 'tsx', script],
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    healthUrl: `${url}${readyPath}`,
    ready: (status) => status < 500,
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
  const statusField = (name: string) => mibField(readFileSync(`/proc/${server.pid}/status`, 'utf8'), name);
  return {
    url,
    pid: server.pid,
    rssMiB: () => statusField('VmRSS'),
    peakRssMiB: () => statusField('VmHWM'),
    resetPeak: () => {
      try {
        // Writing 5 to clear_refs resets VmHWM to the current RSS.
        writeFileSync(`/proc/${server.pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    cpuSeconds: () => threadCpu(server.pid),
    residentSplitMiB: () => {
      const rollup = readFileSync(`/proc/${server.pid}/smaps_rollup`, 'utf8');
      const anonymous = mibField(rollup, 'Anonymous');
      return { anonymous, file: mibField(rollup, 'Rss') - anonymous };
    },
    stop: () => server.stop(),
  };
}
