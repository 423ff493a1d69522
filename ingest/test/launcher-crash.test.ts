// `kill -9` of a launcher (`npm start`, `npm run stack`) leaves nothing behind: its children run in
// process groups of their own (so a Ctrl-C reaches only the launcher), and before they outlived a
// launcher killed outright, holding their ports and data folders, so the next `npm start` failed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot, startProcess, waitFor, type ManagedProcess } from '@footfall/stack';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from '../src/data-dir-lock.js';

const START_TIMEOUT_MS = 180_000;
/**
 * How long the children may take to flush and exit once their launcher is gone: seconds (an
 * orphan would hold them for ever). The service closes in well under a second; before it handled
 * a second SIGTERM (the parent-death signal often comes twice), it was sometimes killed outright
 * and left its lock behind, which this test caught.
 */
const GONE_WITHIN_MS = 30_000;

/** True once nothing listens on the port: it can be bound again. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `viaNpm`: the command a person types, `npm start`, in a process group of its own as a shell
 * gives it (npm -> sh -> tsx -> the script); else the script itself.
 */
function npmStart(ingestPort: number, demoPort: number, dataDir: string, name: string, viaNpm = false): Promise<ManagedProcess> {
  return startProcess({
    name,
    ...(viaNpm
      ? { file: 'npm', args: ['start'], ownProcessGroup: true }
      : { file: process.execPath, args: ['--import', 'tsx', join(repoRoot, 'scripts/start.ts')] }),
    cwd: repoRoot,
    env: { PORT: String(ingestPort), DEMO_PORT: String(demoPort), DATA_DIR: dataDir, CATALOG_FILE: undefined, LOG_LEVEL: 'warn' },
    logFile: join(dataDir, `${name}.log`),
    // The demo is served once the ingest service is ready.
    healthUrl: `http://127.0.0.1:${demoPort}/`,
    readyTimeoutMs: START_TIMEOUT_MS,
  });
}

describe('a launcher killed with SIGKILL', () => {
  it('takes the ingest service with it: the port and the data folder are free, and the next npm start works', {
    timeout: 2 * START_TIMEOUT_MS,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'footfall-launcher-'));
    const ingestPort = await freePort();
    const demoPort = await freePort([ingestPort]);
    let again: ManagedProcess | undefined;
    try {
      const first = await npmStart(ingestPort, demoPort, dataDir, 'first');
      expect((await fetch(`http://127.0.0.1:${ingestPort}/readyz`)).status).toBe(200);
      await first.kill();

      expect(await waitFor(() => portFree(ingestPort), { intervalMs: 100, timeoutMs: GONE_WITHIN_MS })).toBe(true);
      // The service flushed and exited: its lock on the data folder is gone with it.
      expect(await waitFor(() => !existsSync(join(dataDir, LOCK_FILE_NAME)), { intervalMs: 100, timeoutMs: GONE_WITHIN_MS })).toBe(true);
      // The same ports and data folder: the embedded engine opens again.
      again = await npmStart(ingestPort, demoPort, dataDir, 'again');
      expect((await fetch(`http://127.0.0.1:${ingestPort}/readyz`)).status).toBe(200);
    } finally {
      await again?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('when it is npm itself, takes the script under it and the ingest service with it', {
    timeout: 2 * START_TIMEOUT_MS,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'footfall-launcher-npm-'));
    const ingestPort = await freePort();
    const demoPort = await freePort([ingestPort]);
    try {
      const npm = await npmStart(ingestPort, demoPort, dataDir, 'npm', true);
      expect((await fetch(`http://127.0.0.1:${ingestPort}/readyz`)).status).toBe(200);
      await npm.kill();
      // Before, sh, tsx and the script were re-parented and went on serving both ports.
      expect(await waitFor(() => portFree(demoPort), { intervalMs: 100, timeoutMs: GONE_WITHIN_MS })).toBe(true);
      expect(await waitFor(() => portFree(ingestPort), { intervalMs: 100, timeoutMs: GONE_WITHIN_MS })).toBe(true);
      expect(await waitFor(() => !existsSync(join(dataDir, LOCK_FILE_NAME)), { intervalMs: 100, timeoutMs: GONE_WITHIN_MS })).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('takes a native binary in a process group of its own with it (Prometheus, as npm run stack starts it)', {
    timeout: 60_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'footfall-launcher-prometheus-'));
    const port = await freePort();
    try {
      const launcher = await startProcess({
        name: 'prometheus launcher',
        file: process.execPath,
        args: ['--import', 'tsx', join(repoRoot, 'ingest/test/support/prometheus-launcher.ts'), String(port), dataDir],
        cwd: repoRoot,
        logFile: join(dataDir, 'launcher.log'),
        healthUrl: `http://127.0.0.1:${port}/-/ready`,
      });
      await launcher.kill();
      expect(await waitFor(() => portFree(port), { intervalMs: 100, timeoutMs: GONE_WITHIN_MS })).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
