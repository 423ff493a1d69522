// When a server is done with a load: CPU per event counts everything the load caused, the engine's
// background work after the last answer included (the spool written, parts merged, the rollups'
// aggregating merges). Read from outside the process, so the measured service runs unchanged.
import { type Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerProcess, ThreadCpu } from './processes.js';

/** A server using less than this share of one core is idle (the embedded engine ticks at about 0.005). */
const IDLE_CORES = 0.03;
/** How long a window the CPU is sampled over, and how many idle windows in a row count as idle. */
const WINDOW_MS = 1000;
const IDLE_WINDOWS = 3;
/** A load whose work is not over by then is reported, not waited for. */
const IDLE_TIMEOUT_MS = 180_000;

export interface IdleCheck {
  /** The service's own URL: its spool must be empty (everything accepted written to ClickHouse). */
  url?: string;
  /** The embedded engine's data folder: no merge or insert in progress (their temporary part folders). */
  dataDir?: string;
}

/** How long the wait took, and what the server spends when idle (its timers, the engine's own ticks), in cores. */
export interface Idle {
  waitedS: number;
  floor: ThreadCpu;
}

/**
 * Waits until the server has written its spool, the engine has no merge under way, and the
 * process's CPU stayed under IDLE_CORES for IDLE_WINDOWS windows in a row. CPU is the reliable
 * sign: a merge the engine picks a moment later still shows in it. The idle windows' own CPU is
 * the floor a measure takes off, so a slow scenario is not charged for the seconds it lasted.
 */
export async function untilIdle(server: ServerProcess, check: IdleCheck): Promise<Idle> {
  const started = Date.now();
  let idleWindows = 0;
  let idleSince = server.cpuSeconds();
  let idleSinceMs = Date.now();
  while (idleWindows < IDLE_WINDOWS) {
    if (Date.now() - started > IDLE_TIMEOUT_MS) {
      console.warn(`${server.url}: still busy after ${IDLE_TIMEOUT_MS / 1000} s; measuring anyway`);
      break;
    }
    const before = server.cpuSeconds();
    await new Promise((done) => setTimeout(done, WINDOW_MS));
    const after = server.cpuSeconds();
    const cores = (after.main + after.others - before.main - before.others) / (WINDOW_MS / 1000);
    const busy =
      cores >= IDLE_CORES ||
      (check.url !== undefined && (await spoolBytes(check.url)) > 0) ||
      (check.dataDir !== undefined && partsInProgress(check.dataDir));
    if (busy) {
      idleWindows = 0;
      idleSince = after;
      idleSinceMs = Date.now();
    } else idleWindows += 1;
  }
  const now = server.cpuSeconds();
  const seconds = Math.max(0.001, (Date.now() - idleSinceMs) / 1000);
  return {
    waitedS: (Date.now() - started) / 1000,
    floor:
      idleWindows === 0
        ? { main: 0, others: 0 }
        : { main: (now.main - idleSince.main) / seconds, others: (now.others - idleSince.others) / seconds },
  };
}

async function spoolBytes(url: string): Promise<number> {
  const health = (await (await fetch(`${url}/readyz`)).json()) as { spool_bytes: number };
  return health.spool_bytes;
}

/** Prefixes of the folders MergeTree writes a part into before it is committed (system.merges' work, an insert's). */
const TEMPORARY_PART = /^tmp_(merge|insert|mut|clone)_/;

/** True while a temporary part folder exists: parts lie three levels below the engine's store (store/abc/uuid/part). */
function partsInProgress(dataDir: string): boolean {
  const walk = (dir: string, depth: number): boolean => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return false; // removed while read: a part committed or a table dropped
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      if (TEMPORARY_PART.test(entry.name)) return true;
      if (depth > 0 && walk(join(dir, entry.name), depth - 1)) return true;
    }
    return false;
  };
  return walk(join(dataDir, 'clickhouse', 'store'), 2);
}
