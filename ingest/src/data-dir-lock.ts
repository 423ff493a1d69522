// One service per data folder: the embedded engine, the write-ahead log and the spool belong to
// one process. The engine's own refusal ("Failed to create connection for path ...") names
// neither the cause nor the other process; this lock names both, before anything is opened.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE_NAME = 'ingest.pid';

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the data folder ${dataDir} is in use by another ingest service (process ${pid}): stop it, or give this one another DATA_DIR`);
    this.name = 'DataDirInUseError';
  }
}

/** True on Linux for a process that has exited but was not reaped yet: it holds nothing any more. */
function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** True when a process with this id is running (EPERM: it exists, owned by someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !zombie(pid);
}

function holderOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the data folder for this process: a file holding its process id, created only if absent.
 * A lock whose process is gone (a crash, a SIGKILL) is taken over; a living one is refused with
 * DataDirInUseError. Returns the release, which removes the file if it is still this process's.
 */
export function lockDataDir(dataDir: string, pid = process.pid): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE_NAME);
  // Two tries: the second after removing a dead process's lock. Exclusive creation ('wx') makes
  // two services starting at once agree on one winner. (Two taking over the same dead lock at
  // the same instant could both pass; the engine's own lock still refuses the second then.)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${pid}\n`, { flag: 'wx' });
      return () => {
        if (holderOf(file) === pid) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = holderOf(file);
    if (holder !== undefined && holder !== pid && alive(holder)) throw new DataDirInUseError(dataDir, holder);
    rmSync(file, { force: true });
  }
  throw new Error(`could not take the lock ${file}: another service is starting on the same data folder`);
}
