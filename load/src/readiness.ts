// What the ingest service's /readyz said during a run, asked one request after another: a fault
// run checks that the service said "not ready" while ClickHouse was away and "ready" after.
import { setTimeout as sleep } from 'node:timers/promises';

const PROBE_TIMEOUT_MS = 5_000;

export interface ReadinessSample {
  /** When the request was sent. */
  at: number;
  /** The answer's status; 0 when none came. */
  status: number;
}

export class ReadinessWatch {
  readonly samples: ReadinessSample[] = [];
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly ingestUrl: string,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const at = Date.now();
        let status = 0;
        try {
          const response = await fetch(`${this.ingestUrl}/readyz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
          await response.body?.cancel();
          status = response.status;
        } catch {
          // No answer (the service is down, or slower than the probe's time-out): status 0.
        }
        this.samples.push({ at, status });
        await sleep(this.everyMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** The statuses of the requests sent from `from` to `to` (epoch ms). */
  between(from: number, to: number): number[] {
    return this.samples.filter((sample) => sample.at >= from && sample.at < to).map((sample) => sample.status);
  }
}
