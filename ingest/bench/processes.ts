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
  /** SIGTERM and wait for the exit (the service flushes to ClickHouse first). */
  stop(): Promise<number | string>;
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
  const statusField = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  };
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
    stop: () => server.stop(),
  };
}
