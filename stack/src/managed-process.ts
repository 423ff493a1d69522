// One long-running child process of the stack: started with its output in a log file, ready when
// an HTTP health URL answers 2xx, stopped with SIGTERM (SIGKILL only if it will not exit).
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { exitingWithParent } from './exit-with-parent.js';
import { waitUntil } from './wait-for.js';

const DEFAULT_READY_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_GRACE_MS = 20_000;
const HEALTH_POLL_INTERVAL_MS = 150;

export interface ProcessSpec {
  /** Short name for messages, e.g. "ingest". */
  name: string;
  file: string;
  args: string[];
  /** Added to the parent's environment; an undefined value removes the parent's. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Where stdout and stderr go (appended, so a restarted process keeps one log); the parent's
   * own stdout and stderr when absent. */
  logFile?: string;
  /** Polled until it answers 2xx (or what `ready` accepts). */
  healthUrl: string;
  /** Which health status means ready; 2xx when absent. */
  ready?: (status: number) => boolean;
  readyTimeoutMs?: number;
  /** How long SIGTERM may take (a flush on exit) before SIGKILL. */
  stopGraceMs?: number;
  /**
   * Run in a process group of its own, so a Ctrl-C in the terminal reaches only the parent, which
   * then stops its children in order. The parent must then stop them itself, even on a crash.
   */
  ownProcessGroup?: boolean;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string | undefined;
  /** True once the process has exited. */
  readonly exited: boolean;
  /** Settles when the process exits, with its exit code (or the signal's name). */
  readonly exit: Promise<number | string>;
  /** SIGTERM, then wait for the exit; resolves with the exit code (or the signal's name). */
  stop(): Promise<number | string>;
  /** SIGKILL at once: a crash, for tests of what survives one. */
  kill(): Promise<number | string>;
}

function logTail(logFile: string | undefined, lines = 30): string {
  if (!logFile) return '(its output is above)';
  try {
    return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function answers(url: string, ready: (status: number) => boolean): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return ready(response.status);
  } catch {
    return false;
  }
}

export async function startProcess(spec: ProcessSpec): Promise<ManagedProcess> {
  const log = spec.logFile ? ({ file: spec.logFile, append: true } as const) : 'inherit';
  // Ends with this process even when it is killed outright (exit-with-parent.ts): `cleanup` below
  // covers only the exits Node sees, and not a child in a process group of its own.
  const command = exitingWithParent(spec.file, spec.args);
  const child = execa(command.file, command.args, {
    cwd: spec.cwd,
    env: spec.env,
    stdin: 'ignore',
    stdout: log,
    stderr: log,
    reject: false,
    detached: spec.ownProcessGroup ?? false,
    // When this Node process exits in a way it sees, stop the child at once (a detached child
    // excepted: the parent-death signal above covers it, and every crash).
    cleanup: true,
    forceKillAfterDelay: spec.stopGraceMs ?? DEFAULT_STOP_GRACE_MS,
  });
  let exited = false;
  const exit = child.then((result) => {
    exited = true;
    return result.signal ?? result.exitCode ?? -1;
  });

  const stopWith = async (signal: NodeJS.Signals) => {
    if (!exited) child.kill(signal);
    return exit;
  };
  const managed: ManagedProcess = {
    name: spec.name,
    pid: child.pid ?? -1,
    logFile: spec.logFile,
    get exited() {
      return exited;
    },
    exit,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
  };

  const readyTimeoutMs = spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  try {
    await waitUntil(
      `${spec.name} to answer ${spec.healthUrl}`,
      async () => {
        if (exited) throw new Error(`${spec.name} exited before it was ready (code ${await exit})`);
        return answers(spec.healthUrl, spec.ready ?? ((status) => status >= 200 && status < 300));
      },
      { intervalMs: HEALTH_POLL_INTERVAL_MS, timeoutMs: readyTimeoutMs },
    );
  } catch (error) {
    await managed.stop();
    throw new Error(`${spec.name}: ${(error as Error).message}; last lines of its log:\n${logTail(spec.logFile)}`);
  }
  return managed;
}
