// Work that one replica does at a time, in rounds (the traffic alerts' evaluation, the engagement
// fold): a timer asks the task's lease before each round, runs the round when this replica holds
// it and leaves it to the holder when not, then schedules the next round. Each round is scheduled
// when the one before has ended, so a slow round or a suspended machine delays rounds rather than
// piling them up. At stop the timer is cancelled, the round under way is awaited (ClickHouse must
// not close under its statements) and the lease is given up, so another replica takes the task at
// its next round rather than after the expiry.
import type { Lease } from './lease.js';

export interface LeasedRoundsOptions<Round> {
  lease: Lease;
  /** The wait before the next round (and before the first, from start), asked as it is scheduled. */
  delayMs: () => number;
  /** What a round is about, taken as it begins, before the lease is asked (the alerts: the minute judged). */
  begin?: () => Round;
  /** The round, while this replica holds the lease. */
  round: (round: Round) => Promise<unknown>;
  /** Instead of the round, while another replica holds the lease. */
  leave: (round: Round) => void;
  /** A round that failed, or whose lease could not be asked; the next is scheduled all the same. */
  failed: (error: unknown, round: Round) => void;
  /** The lease could not be given up at stop (it expires then). */
  releaseFailed: (error: unknown) => void;
}

export class LeasedRounds<Round = undefined> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** The round under way, awaited at stop. */
  private running: Promise<void> | undefined;

  constructor(private readonly options: LeasedRoundsOptions<Round>) {}

  /** Schedules the first round. */
  start(): void {
    this.schedule();
  }

  /** No round after this one: awaits the round under way, then gives the lease up. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.options.lease.release().catch(this.options.releaseFailed);
  }

  private readonly schedule = (): void => {
    if (this.stopped) return;
    this.timer = setTimeout(this.run, this.options.delayMs());
    this.timer.unref?.();
  };

  private readonly run = (): void => {
    // Without `begin` a round is about nothing of its own: `Round` is then undefined.
    const round = this.options.begin?.() as Round;
    this.running = this.options.lease
      .hold()
      .then(async (held) => {
        if (held) await this.options.round(round);
        else this.options.leave(round);
      })
      .catch((error: unknown) => this.options.failed(error, round))
      .finally(this.schedule);
  };
}
