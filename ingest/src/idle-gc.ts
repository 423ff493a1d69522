// Gives the V8 heap's pages back once the service goes quiet after a burst of load.
//
// Why: V8 keeps the pages its heap grew into until its next major collection, and under this
// service its memory reducer often runs none once the load stops: after `npm run bench` the heap
// stayed at 85-117 MiB through 30 s of idle with about 55 MiB live, and one collection then
// (through the inspector, in reduce-memory mode) took the process's anonymous memory from 200 to
// 166 MiB. So once the event loop has been idle for a while after the heap grew, one such
// collection is run; under load the loop is never idle long enough, and a quiet service is
// collected once after its start and once per burst, not again until its heap grows.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How often the loop's idleness is read. */
const CHECK_MS = 5_000;
/** A check with the loop busier than this (its share of the time) is not idle: 2 % is about 1,000 beacon events a second. */
const IDLE_UTILIZATION = 0.02;
/** Idle checks in a row before collecting: 10 s of quiet. */
const QUIET_CHECKS = 2;
/** Growth of the heap since the last collection (or the start) worth collecting for. */
const GROWTH_BYTES = 8 * 1024 * 1024;

/** What a check reads: the loop's busy share since the last check, and the heap's size now. */
export interface IdleReadings {
  loopUtilization(): number;
  heapBytes(): number;
}

/** Decides, one check at a time, when the heap is collected; `collect` runs the collection. */
export class IdleCollector {
  private quietChecks = 0;
  /** The heap's size after the last collection; none at first, so the first quiet after start collects what starting left (about 20 MiB). */
  private baselineBytes = 0;

  constructor(
    private readonly readings: IdleReadings,
    private readonly collect: () => void,
  ) {}

  /** One check; true when it collected. */
  check(): boolean {
    if (this.readings.loopUtilization() > IDLE_UTILIZATION) {
      this.quietChecks = 0;
      return false;
    }
    this.quietChecks += 1;
    if (this.quietChecks < QUIET_CHECKS || this.readings.heapBytes() < this.baselineBytes + GROWTH_BYTES) return false;
    this.collect();
    this.baselineBytes = this.readings.heapBytes();
    this.quietChecks = 0;
    return true;
  }
}

/** The process's own readings: event-loop utilization between checks and V8's heap size. */
function processReadings(): IdleReadings {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return {
    loopUtilization: () => {
      const now = performance.eventLoopUtilization();
      const since = performance.eventLoopUtilization(now, last);
      last = now;
      return since.utilization;
    },
    heapBytes: () => getHeapStatistics().total_heap_size,
  };
}

/**
 * A major collection in reduce-memory mode, as V8 runs when memory is short. V8 hands its `gc`
 * function only to contexts made after `--expose-gc` is set; the service's own global gets none.
 */
export function reduceMemoryCollection(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;
  return () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/** Starts the checks; they never keep the process alive. */
export function startIdleCollection(): void {
  const collector = new IdleCollector(processReadings(), reduceMemoryCollection());
  setInterval(() => collector.check(), CHECK_MS).unref();
}
