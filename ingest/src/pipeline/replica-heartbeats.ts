// The heartbeats of the ingest replicas (only with REPLICA_ID; table replica_heartbeats, migration
// 0068). Every second, and at once after it stored a batch, a replica writes its beat, "every row
// I logged before `stored_before` is in ClickHouse", and reads everyone's; while a batch waits for
// its turn it reads them ten times a second. The hand-over check (handover-check.ts) orders the
// replicas' inserts by them, so a replica's progress must reach the others within a poll, not a
// second: with beats only every second, two replicas taking turns fell behind at 100 events a
// second each (one turn per beat). A replica whose beat is older than the live bound is gone.
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyBaseLogger } from 'fastify';

/** A beat a second at least; more often after stored batches. */
export const BEAT_INTERVAL_MS = 1000;
/** How often a replica whose batch waits for its turn reads the others' beats. */
export const POLL_MS = 100;
/**
 * A replica that has not beaten for this long is gone: the others no longer wait for it. Five
 * beats, so a slow beat or two never counts a live replica out.
 */
export const LIVE_MS = 5 * BEAT_INTERVAL_MS;

/** Another instance's last beat, as read. */
export interface Beat {
  instance: string;
  /** Every row it logged before this (its clock, epoch ms) is stored; a graceful stop writes END_OF_TIME. */
  storedBefore: number;
  beat: number;
}

/** What a replica that stopped gracefully, with everything stored, says it stored: all it will ever log, until it starts again. */
export const END_OF_TIME = Date.UTC(2200, 0, 1);

export interface ReplicaHeartbeatsOptions {
  /** `<REPLICA_ID>-<instance id of the data folder>`, as in the deduplication tokens. */
  instance: string;
  replica: string;
  client: ClickHouseClient;
  log: FastifyBaseLogger;
  /** What this replica has stored, as its beat says it: every row it logged before this is in ClickHouse. */
  storedBefore: () => number;
  intervalMs?: number;
  liveMs?: number;
  pollMs?: number;
}

export class ReplicaHeartbeats {
  readonly intervalMs: number;
  readonly liveMs: number;
  readonly pollMs: number;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  /** A beat asked for while one was under way: it may have missed what was stored meanwhile. */
  private beatAgain = false;
  private reading: Promise<void> | undefined;
  /** When this replica's last beat was acknowledged. */
  private lastBeatAt: number | undefined;
  private aliveFrom: number | undefined;
  /** The other live instances' beats, as read at `readAt`. */
  private others: Beat[] = [];
  private read = 0;
  private failing = false;

  constructor(private readonly options: ReplicaHeartbeatsOptions) {
    this.intervalMs = options.intervalMs ?? BEAT_INTERVAL_MS;
    this.liveMs = options.liveMs ?? LIVE_MS;
    this.pollMs = options.pollMs ?? POLL_MS;
  }

  start(): void {
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
    this.timer.unref();
    void this.beat();
  }

  /**
   * Since when the others have seen this replica beat without a gap (undefined before its first
   * beat). A row logged earlier may have been held by another replica that counted this one gone,
   * so the hand-over check orders it as if it was logged at this moment.
   */
  get aliveSince(): number | undefined {
    return this.aliveFrom;
  }

  /** When this replica's last beat was acknowledged. */
  get beatAt(): number | undefined {
    return this.lastBeatAt;
  }

  /** When the beats in `live` were read: a batch is judged only on beats read after its first row was logged. */
  get readAt(): number {
    return this.read;
  }

  /** The other instances that beat within the live bound when last read. */
  get live(): readonly Beat[] {
    return this.others;
  }

  /** Waits a poll, then reads the others' beats again (or waits for the read under way): a batch waiting for its turn calls it. */
  async poll(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    this.reading ??= this.readNow().finally(() => {
      this.reading = undefined;
    });
    await this.reading;
  }

  /**
   * Beats now (after the beat under way, if one is): this replica stored rows the others may be
   * waiting for, or a batch of its waits and the others may be waiting for what it logged since.
   */
  beatNow(): void {
    if (this.timer === undefined) return;
    if (this.beating) this.beatAgain = true;
    else void this.beat();
  }

  /** Stops beating; with `allStored`, a last beat says this instance holds nothing, so no one waits for it to age out. */
  async stop(allStored: boolean): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    if (allStored) await this.write(Date.now(), END_OF_TIME).catch(() => undefined);
  }

  private beat(): Promise<void> {
    this.beating ??= this.beatOnce().finally(() => {
      this.beating = undefined;
      if (this.beatAgain && this.timer !== undefined) {
        this.beatAgain = false;
        void this.beat();
      }
    });
    return this.beating;
  }

  private async beatOnce(): Promise<void> {
    const sentAt = Date.now();
    try {
      await this.write(sentAt, Math.min(this.options.storedBefore(), sentAt));
      const ackedAt = Date.now();
      // A gap of half the live bound: the others may have counted this replica gone (they judge by
      // the beat's own time, a beat later), so its rows not yet checked count from now.
      if (this.lastBeatAt === undefined || ackedAt - this.lastBeatAt > this.liveMs / 2) this.aliveFrom = ackedAt;
      this.lastBeatAt = ackedAt;
      await this.readNow();
    } catch (error) {
      this.failed(error);
    }
  }

  private async readNow(): Promise<void> {
    try {
      const readAt = Date.now();
      this.others = await this.readOthers(readAt);
      this.read = readAt;
      this.failing = false;
    } catch (error) {
      this.failed(error);
    }
  }

  private failed(error: unknown): void {
    if (!this.failing) this.options.log.warn({ err: error }, 'writing or reading the replicas heartbeats failed; inserts wait for it');
    this.failing = true;
  }

  private async write(beat: number, storedBefore: number): Promise<void> {
    await this.options.client.command({
      query: `INSERT INTO replica_heartbeats (instance, replica, started, stored_before, beat)
        SELECT {instance:String}, {replica:String}, fromUnixTimestamp64Milli({started:Int64}),
          fromUnixTimestamp64Milli({storedBefore:Int64}), fromUnixTimestamp64Milli({beat:Int64})`,
      query_params: { instance: this.options.instance, replica: this.options.replica, started: this.started, storedBefore, beat },
    });
  }

  private async readOthers(readAt: number): Promise<Beat[]> {
    const result = await this.options.client.query({
      query: `SELECT instance, toUnixTimestamp64Milli(argMax(stored_before, beat)) AS stored_before, toUnixTimestamp64Milli(max(beat)) AS last
        FROM replica_heartbeats GROUP BY instance HAVING last > {since:Int64} AND instance != {instance:String}`,
      query_params: { since: readAt - this.liveMs, instance: this.options.instance },
      format: 'JSONCompactEachRow',
    });
    const rows = await result.json<[string, string | number, string | number]>();
    return rows.map(([instance, storedBefore, beat]) => ({ instance, storedBefore: Number(storedBefore), beat: Number(beat) }));
  }
}
