// What the ingest service says about itself during a run: how many events ClickHouse holds (the
// read API, the number a run reconciles against), its resident memory and its insert latency
// (its Prometheus metrics), so the figures hold for a stack of ours or one the user runs.
import { sampleSum } from '@footfall/stack';

export interface IngestTarget {
  url: string;
  /** The read API's bearer token, when the service has STATS_TOKEN set. */
  statsToken?: string;
}

/** Events of the default site that ClickHouse holds for the last 24 hours. */
export async function storedTotal(target: IngestTarget): Promise<number> {
  const response = await fetch(`${target.url}/api/stats?range=24h`, {
    headers: target.statsToken ? { authorization: `Bearer ${target.statsToken}` } : {},
  });
  if (!response.ok) throw new Error(`/api/stats answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { total_events: number }).total_events;
}

export interface IngestSample {
  at: number;
  rssBytes: number;
  /** Cumulative seconds spent in inserts into `events`, and their number. */
  insertSeconds: number;
  inserts: number;
}

export async function sampleIngest(target: IngestTarget): Promise<IngestSample> {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  return {
    at: Date.now(),
    rssBytes: sampleSum(text, 'process_resident_memory_bytes', {}),
    insertSeconds: sampleSum(text, 'footfall_write_duration_seconds_sum', { table: 'events' }),
    inserts: sampleSum(text, 'footfall_write_duration_seconds_count', { table: 'events' }),
  };
}

/** Samples the service every `everyMs` while a run lasts; a failed sample (the service is down
 * on purpose in a fault run) is skipped. */
export class IngestSampler {
  readonly samples: IngestSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly target: IngestTarget,
    private readonly everyMs: number,
    private readonly onSample?: (sample: IngestSample, previous: IngestSample | undefined) => void,
  ) {}

  start(): void {
    const take = async () => {
      try {
        const sample = await sampleIngest(this.target);
        this.onSample?.(sample, this.samples.at(-1));
        this.samples.push(sample);
      } catch {
        // The service is not answering (a fault run stops it): nothing to sample this time.
      }
    };
    void take();
    this.timer = setInterval(() => void take(), this.everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get peakRssBytes(): number {
    return Math.max(0, ...this.samples.map((sample) => sample.rssBytes));
  }
}
