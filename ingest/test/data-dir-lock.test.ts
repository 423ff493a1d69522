// A second service on a data folder in use is refused with one line naming the first (before, the
// embedded engine refused it with "Failed to create connection for path ..."), and the lock of a
// process that is gone (killed with SIGKILL) is taken over.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, repoRoot } from '@footfall/stack';
import { describe, expect, it } from 'vitest';
import { DataDirInUseError, LOCK_FILE_NAME, lockDataDir } from '../src/data-dir-lock.js';
import { startService } from './support/service-process.js';
import { freshDataDir } from './support/test-app.js';

/** The service run to its end, as a user would start it; its exit code and what it printed. */
async function runService(dataDir: string): Promise<{ code: number; stderr: string }> {
  const env = { ...process.env, DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: 'warn' };
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', join(repoRoot, 'ingest/src/server.ts')], {
      cwd: repoRoot,
      env,
      timeout: 60_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

describe('one service per data folder', () => {
  it('refuses a second service on a data folder in use with one line naming the other process', { timeout: 120_000 }, async () => {
    const dataDir = freshDataDir();
    const first = await startService({ DATA_DIR: dataDir });
    try {
      const second = await runService(dataDir);
      expect(second.code).toBe(1);
      expect(second.stderr.trim().split('\n')).toEqual([
        `the data folder ${dataDir} is in use by another ingest service (process ${first.process.pid}): stop it, or give this one another DATA_DIR`,
      ]);
      // The first is untouched.
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    } finally {
      await first.process.stop();
    }
    // A stop removes the lock.
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes over the lock of a service killed with SIGKILL', { timeout: 120_000 }, async () => {
    const dataDir = freshDataDir();
    const killed = await startService({ DATA_DIR: dataDir });
    await killed.process.kill();
    expect(readFileSync(join(dataDir, LOCK_FILE_NAME), 'utf8').trim()).toBe(String(killed.process.pid));

    const next = await startService({ DATA_DIR: dataDir });
    try {
      expect((await fetch(`${next.url}/readyz`)).status).toBe(200);
      expect(readFileSync(join(dataDir, LOCK_FILE_NAME), 'utf8').trim()).toBe(String(next.process.pid));
    } finally {
      await next.process.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the lock of a data folder', () => {
  /** A process that has exited but is not reaped (its parent, exec'd into sleep, never waits): a zombie while the parent sleeps. */
  async function zombiePid(): Promise<{ pid: number; parent: ReturnType<typeof spawn> }> {
    // The child outlives the shell's exec by half a second: a shell still running when its child
    // exits may reap it (a child of `sleep 0` was, once, on a loaded machine).
    const parent = spawn('sh', ['-c', 'sleep 0.5 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve) =>
      parent.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
    );
    // Until `sleep 0.5` has exited, it is alive.
    await expect.poll(() => readFileSync(`/proc/${pid}/stat`, 'utf8'), { timeout: 10_000, interval: 100 }).toMatch(/\) Z /);
    return { pid, parent };
  }

  it('takes over the lock of a process that exited but was not reaped yet (Linux)', async () => {
    const dataDir = freshDataDir();
    const { pid, parent } = await zombiePid();
    try {
      writeFileSync(join(dataDir, LOCK_FILE_NAME), `${pid}\n`);
      const release = lockDataDir(dataDir);
      expect(readFileSync(join(dataDir, LOCK_FILE_NAME), 'utf8')).toBe(`${process.pid}\n`);
      release();
      expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
    } finally {
      parent.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a folder whose lock names a running process', () => {
    const dataDir = freshDataDir();
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dataDir, LOCK_FILE_NAME), `${other.pid}\n`);
      expect(() => lockDataDir(dataDir)).toThrow(DataDirInUseError);
      expect(() => lockDataDir(dataDir)).toThrow(`(process ${other.pid})`);
    } finally {
      other.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
