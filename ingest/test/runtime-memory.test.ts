import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess } from '@footfall/stack';
import { describe, expect, it } from 'vitest';

// The service replaces its process with itself under a smaller V8 young generation
// (src/runtime-memory.ts): whoever started it keeps the same process id, and an operator's own
// choice of the size is left alone; so are the malloc settings it adds and an operator's own. It
// exposes `gc` (idle-heap-release.ts) and has esbuild compile without a worker thread kept for life.

const server = fileURLToPath(new URL('../src/server.ts', import.meta.url));

async function startService(nodeOptions?: string, env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'footfall-runtime-'));
  const port = await freePort();
  const service = await startProcess({
    name: 'ingest',
    file: process.execPath,
    args: ['--import', 'tsx', server],
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      CLICKHOUSE_URL: undefined,
      NODE_OPTIONS: nodeOptions,
      ...env,
    },
    healthUrl: `http://127.0.0.1:${port}/readyz`,
    ready: (status) => status < 500,
    readyTimeoutMs: 120_000,
  });
  const commandLine = readFileSync(`/proc/${service.pid}/cmdline`, 'utf8').split('\0');
  const environment = readFileSync(`/proc/${service.pid}/environ`, 'utf8').split('\0');
  return {
    pid: service.pid,
    commandLine,
    environment,
    stop: async () => {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe.runIf(process.platform === 'linux')('the service process', () => {
  it('runs under the pid it was started with, with 8 MiB semi-spaces', async () => {
    const service = await startService();
    try {
      expect(service.commandLine).toContain('--max-semi-space-size=8');
      expect(service.commandLine).toContain(server);
      expect(service.environment).toContain('MALLOC_ARENA_MAX=2');
      expect(service.environment).toContain('MALLOC_TRIM_THRESHOLD_=65536');
      // Blocks from 16 KiB up are mapped on their own, so freeing them hands them back (13 MiB less at rest).
      expect(service.environment).toContain('MALLOC_MMAP_THRESHOLD_=16384');
      expect(service.commandLine).toContain('--expose-gc');
      // Its release of the heap would otherwise drop every function's bytecode, compiled again by the next burst.
      expect(service.commandLine).toContain('--no-flush-bytecode');
      expect(service.environment).toContain('ESBUILD_WORKER_THREADS=0');
    } finally {
      await service.stop();
    }
  }, 150_000);

  it('keeps no compiler running once started, even when it had to compile every module', async () => {
    // What a fresh install or container does: no compile cache, each module compiled by esbuild.
    const service = await startService(undefined, { TSX_DISABLE_CACHE: '1' });
    try {
      const tasks = readdirSync(`/proc/${service.pid}/task`);
      // A worker thread is a V8 instance of its own (esbuild's for synchronous compiles).
      const threadNames = tasks.map((task) => readFileSync(`/proc/${service.pid}/task/${task}/comm`, 'utf8').trim());
      expect(threadNames).toContain('MainThread');
      expect(threadNames).not.toContain('WorkerThread');
      // Children still running (an exited one left unreaped holds no memory).
      const children = tasks
        .flatMap((task) => readFileSync(`/proc/${service.pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean))
        .filter((child) => {
          const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
          return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
        })
        .map((child) => readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' '));
      expect(children).toEqual([]);
    } finally {
      await service.stop();
    }
  }, 150_000);

  it('keeps a size and a malloc setting the operator chose', async () => {
    const service = await startService('--max-semi-space-size=16', { MALLOC_ARENA_MAX: '4' });
    try {
      expect(service.commandLine.some((argument) => argument.startsWith('--max-semi-space-size'))).toBe(false);
      // Its other flags are still added.
      expect(service.commandLine).toContain('--expose-gc');
      expect(service.environment).toContain('MALLOC_ARENA_MAX=4');
      expect(service.environment).toContain('MALLOC_MMAP_THRESHOLD_=16384');
    } finally {
      await service.stop();
    }
  }, 150_000);
});
