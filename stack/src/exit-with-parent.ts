// A child that ends when the process that started it dies, however it dies (a SIGKILL included),
// so no service is left holding its port and data folder. On Linux, util-linux's `setpriv` sets
// the kernel's parent-death signal (PR_SET_PDEATHSIG) and then becomes the program itself (exec,
// same process id): the kernel sends the child SIGTERM the moment its parent goes, and every
// service already flushes and exits on SIGTERM. Node cannot set that signal on a child it spawns,
// and it works the same for the ingest service and the native binaries (Collector, Prometheus);
// a pipe the child watches would need code in each child, which the native binaries lack.
import { accessSync, constants } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';

function setprivAvailable(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    accessSync(SETPRIV, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const available = setprivAvailable();

/** The command that runs `file args` with SIGTERM as its parent-death signal; unchanged where
 * the system has no way to set one (not Linux, or no util-linux). */
export function exitingWithParent(file: string, args: string[]): { file: string; args: string[] } {
  if (!available) return { file, args };
  return { file: SETPRIV, args: ['--pdeathsig', 'TERM', '--', file, ...args] };
}
