// Faults that cannot be made real on a test machine, switched on and off in a running ingest
// service from outside: a full data disk (a real one needs mount rights) and an embedded ClickHouse
// that refuses or stalls writes. The service must have been started with FOOTFALL_TEST_FAULT_FILE
// naming the file; it reads the fault's name from it every 100 ms and runs its test doubles of a
// failing disk and a failing engine meanwhile (ingest/src/testing/injected-faults.ts, the one
// place that says what each fault does).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The variable that turns the ingest service's doubles on. */
export const FAULT_FILE_VARIABLE = 'FOOTFALL_TEST_FAULT_FILE';

export type InjectedFault = 'disk-full' | 'clickhouse-refuses' | 'clickhouse-stalls';

/** Twice the service's polling interval: after it, the service has read the switch. */
const SWITCH_SETTLES_MS = 200;

export class FaultSwitch {
  constructor(readonly file: string) {}

  /** Turns `fault` on (any other off); resolves once the service has read it. */
  async set(fault: InjectedFault): Promise<void> {
    // Written whole, then renamed: the service never reads half a word.
    writeFileSync(`${this.file}.next`, `${fault}\n`);
    renameSync(`${this.file}.next`, this.file);
    await sleep(SWITCH_SETTLES_MS);
  }

  /** No fault any more; resolves once the service has read it. */
  async clear(): Promise<void> {
    rmSync(this.file, { force: true });
    await sleep(SWITCH_SETTLES_MS);
  }
}
