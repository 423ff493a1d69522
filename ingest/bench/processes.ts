import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

const READY_TIMEOUT_MS = 120_000;

/** A server under test, in its own process: its memory and event loop are not the load generator's. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resident memory now, in MiB. */
  rssMiB(): number;
  /** Peak resident memory since start (or since the last resetPeak), in MiB. */
  peakRssMiB(): number;
  /** Starts a new peak from now (Linux clear_refs); false where the kernel refuses. */
  resetPeak(): boolean;
  /** SIGTERM and wait for the exit (the service flushes to ClickHouse first). */
  stop(): Promise<number | null>;
}

/** Runs a TypeScript entry point with `node --import tsx` (one process, so its pid is the server's). */
/** Ready once `readyPath` answers below 500 (the service's /readyz says 503 until ClickHouse is migrated). */
export async function startServer(script: string, env: NodeJS.ProcessEnv, readyPath: string): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(`${url}${readyPath}`, exited);
  const statusField = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  };
  return {
    url,
    child,
    rssMiB: () => statusField('VmRSS'),
    peakRssMiB: () => statusField('VmHWM'),
    resetPeak: () => {
      try {
        // Writing 5 to clear_refs resets VmHWM to the current RSS.
        writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function waitUntilAnswering(url: string, exited: Promise<number | null>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`the server exited before answering ${url}`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${READY_TIMEOUT_MS} ms`);
}

/** A port the OS says is free now (the server binds it a moment later; fine on loopback). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
