// Test-only fault injection, for the load tests of faults under load (load/test/storage-faults.test.ts).
// Two faults cannot be made real on a test machine: a full data disk needs mount rights (a small
// filesystem to fill), and the embedded engine cannot be made to refuse or stall writes from
// outside. So, with FOOTFALL_TEST_FAULT_FILE set, the service reads a fault's name from that file
// and, while it is there, its parts behave as they would under that fault: these are test
// doubles of a failing disk and of a failing engine. Off (and nothing wrapped) when the variable
// is unset; never set it in production.
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join, sep } from 'node:path';
import { ClickHouseError, type ClickHouseClient } from '@clickhouse/client';
import { createClickHouse } from '../clickhouse/client.js';

/** What the file may say (one word; an empty or absent file means no fault). */
export const INJECTED_FAULTS = ['disk-full', 'clickhouse-refuses', 'clickhouse-stalls'] as const;
export type InjectedFault = (typeof INJECTED_FAULTS)[number];

const POLL_MS = 100;
/** The client methods that write; a full disk fails them and lets reads and pings through. */
const WRITE_METHODS = new Set<string | symbol>(['insert', 'command', 'exec']);

function isFault(word: string): word is InjectedFault {
  return (INJECTED_FAULTS as readonly string[]).includes(word);
}

/** The fault the file names now, read every POLL_MS. */
class FaultSwitch {
  current: InjectedFault | undefined;
  private readonly waiters: Array<() => void> = [];
  private warned = '';

  constructor(
    private readonly file: string,
    private readonly warn: (message: string) => void,
  ) {
    // Unreferenced: the switch never keeps the process alive.
    setInterval(() => void this.read(), POLL_MS).unref();
  }

  /** Resolves once the engine is no longer stalled (at once when it is not). */
  notStalled(): Promise<void> {
    if (this.current !== 'clickhouse-stalls') return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async read(): Promise<void> {
    let word = '';
    try {
      word = (await readFile(this.file, 'utf8')).trim();
    } catch {
      // No file: no fault.
    }
    if (word !== '' && !isFault(word)) {
      if (this.warned !== word)
        this.warn(`FOOTFALL_TEST_FAULT_FILE says "${word}", which is none of ${INJECTED_FAULTS.join(', ')}: ignored`);
      this.warned = word;
      return;
    }
    this.set(word === '' ? undefined : (word as InjectedFault));
  }

  private set(fault: InjectedFault | undefined): void {
    this.current = fault;
    if (fault !== 'clickhouse-stalls') for (const resolve of this.waiters.splice(0)) resolve();
  }
}

/**
 * A failing-disk double at the boundary between the write-ahead log and the OS: while the switch
 * says `disk-full`, a write to a file under `walDir` fails with ENOSPC, as the kernel answers on a
 * full filesystem; every other write (logs, other files) goes through. The log's own code (the
 * failed write taken back, the request answered 503) runs unchanged: only `fs.writev` and
 * `fs.writevSync`, the calls it appends with (a small append is written on the event loop), are
 * wrapped, and Node's live ES module bindings are brought in step with them.
 */
function refuseLogWritesWhileDiskFull(dataDir: string, faults: FaultSwitch): void {
  fs.mkdirSync(dataDir, { recursive: true });
  // The kernel names an open file by its real path.
  const walDir = join(fs.realpathSync(dataDir), 'wal') + sep;
  const writev = fs.writev;
  const underWal = (fd: number): boolean => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(walDir);
    } catch {
      // No /proc (not Linux): every writev counts as the log's.
      return true;
    }
  };
  const diskFull = (): NodeJS.ErrnoException =>
    Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  const wrapped = (fd: number, ...rest: unknown[]) => {
    if (faults.current === 'disk-full' && underWal(fd)) {
      const callback = rest.at(-1) as (error: NodeJS.ErrnoException) => void;
      process.nextTick(callback, diskFull());
      return;
    }
    return (writev as (...args: unknown[]) => void)(fd, ...rest);
  };
  const writevSync = fs.writevSync;
  const wrappedSync = (fd: number, ...rest: unknown[]) => {
    if (faults.current === 'disk-full' && underWal(fd)) throw diskFull();
    return (writevSync as (...args: unknown[]) => number)(fd, ...rest);
  };
  fs.writev = wrapped as typeof fs.writev;
  fs.writevSync = wrappedSync as typeof fs.writevSync;
  syncBuiltinESMExports();
}

/**
 * A failing-engine double: the real ClickHouse client behind the switch. `clickhouse-refuses`
 * fails every call as a server that went away does (connection refused); `clickhouse-stalls`
 * holds every call until the stall ends, then makes it; `disk-full` fails every write as ClickHouse
 * does on a full disk (NOT_ENOUGH_SPACE), reads and pings still answered.
 */
function withFaults(client: ClickHouseClient, faults: FaultSwitch): ClickHouseClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'close') return value;
      return async (...args: unknown[]) => {
        await faults.notStalled();
        if (faults.current === 'clickhouse-refuses') {
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123 (injected: FOOTFALL_TEST_FAULT_FILE)'), {
            code: 'ECONNREFUSED',
          });
        }
        if (faults.current === 'disk-full' && WRITE_METHODS.has(property)) {
          throw new ClickHouseError({
            message: 'Cannot reserve 1.00 MiB, not enough space (injected: FOOTFALL_TEST_FAULT_FILE)',
            code: '243',
            type: 'NOT_ENOUGH_SPACE',
          });
        }
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export interface InjectedFaults {
  /** The client the app is to use instead of its own. */
  clickhouse: ClickHouseClient;
  file: string;
}

/** The doubles wired to the file FOOTFALL_TEST_FAULT_FILE names; undefined when it is unset. */
export async function injectedFaultsFrom(
  env: NodeJS.ProcessEnv,
  config: { clickhouseUrl: string | undefined; dataDir: string; readCacheMaxBytes: number },
  warn: (message: string) => void,
): Promise<InjectedFaults | undefined> {
  const file = env.FOOTFALL_TEST_FAULT_FILE;
  if (!file) return undefined;
  const faults = new FaultSwitch(file, warn);
  const client = await createClickHouse({ url: config.clickhouseUrl, dataDir: config.dataDir, readCacheBytes: config.readCacheMaxBytes });
  refuseLogWritesWhileDiskFull(config.dataDir, faults);
  return { clickhouse: withFaults(client, faults), file };
}
