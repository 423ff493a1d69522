// A lease in the `leases` table (migration 0058). A task's lease is its row of highest generation;
// its owner holds it until `expires`. Taking and renewing are the same step: insert the next
// generation's row, then read that generation back; the lease is this owner's if the row is. Of
// two replicas inserting one generation, one row survives: on one server the second insert has
// the same deduplication token and is dropped, on a cluster the KeeperMap refuses it
// (keeper_map_strict_mode). Time is the owner's clock: replicas' clocks must agree to well within
// the expiry. An owner paused past it may wake up and act while the next owner does: the
// generation is the fencing token, checked (isCurrent) right before each post and write of state.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Lease } from './lease.js';

/** Generations kept below the newest; older ones are deleted every so many renewals. */
const KEEP_GENERATIONS = 100;

interface LeaseRow {
  generation: string;
  owner: string;
  expires: string;
}

export interface TableLeaseOptions {
  task: string;
  /** Unique to this process. */
  owner: string;
  ttlMs: number;
  /** The clock, epoch ms; tests bring their own. */
  now: () => number;
}

/** DateTime64(3, 'UTC') as ClickHouse reads it from JSON: 'YYYY-MM-DD hh:mm:ss.sss'. */
const clickhouseTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const epochMs = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

export class TableLease implements Lease {
  generation: number | undefined;
  private expiresAt = 0;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: TableLeaseOptions,
  ) {}

  async hold(): Promise<boolean> {
    const now = this.options.now();
    const current = await this.newest();
    if (current && current.owner !== this.options.owner && epochMs(current.expires) > now) {
      this.generation = undefined;
      return false;
    }
    const generation = Number(current?.generation ?? 0) + 1;
    const won = await this.claim(generation, now + this.options.ttlMs);
    if (!won) {
      this.generation = undefined;
      return false;
    }
    this.generation = generation;
    this.expiresAt = now + this.options.ttlMs;
    if (generation % KEEP_GENERATIONS === 0) await this.forgetBefore(generation - KEEP_GENERATIONS);
    return true;
  }

  async release(): Promise<void> {
    if (this.generation === undefined || this.options.now() >= this.expiresAt) return;
    // An expired row of the next generation: free for the next taker, and refused like any other
    // claim if someone took the generation meanwhile.
    await this.claim(this.generation + 1, this.options.now());
    this.generation = undefined;
  }

  /**
   * Whether the newest row of the task is this owner's: no other owner took a newer generation
   * since this one's last take or renewal. (By owner rather than by number: this owner's own
   * renewal, under way in another round, makes a newer generation that is still its own.)
   */
  async isCurrent(): Promise<boolean> {
    if (this.generation === undefined) return false;
    return (await this.newest())?.owner === this.options.owner;
  }

  private async newest(): Promise<LeaseRow | undefined> {
    const result = await this.client.query({
      query: 'SELECT generation, owner, expires FROM leases WHERE task = {task:String} ORDER BY generation DESC LIMIT 1',
      query_params: { task: this.options.task },
      format: 'JSONEachRow',
    });
    return (await result.json<LeaseRow>())[0];
  }

  /** Inserts this owner's row of `generation`; whether the row stored for it is this owner's. */
  private async claim(generation: number, expires: number): Promise<boolean> {
    const slot = `${this.options.task}/${generation}`;
    let refused: unknown;
    try {
      // The settings in the statement (why: clickhouse/client.ts).
      await this.client.command({
        query: `INSERT INTO leases (slot, task, generation, owner, expires)
                SETTINGS insert_deduplication_token = {token:String}, keeper_map_strict_mode = 1
                SELECT {slot:String}, {task:String}, {generation:UInt64}, {owner:String}, toDateTime64({expires:String}, 3, 'UTC')`,
        query_params: {
          token: `lease/${slot}`,
          slot,
          task: this.options.task,
          generation,
          owner: this.options.owner,
          expires: clickhouseTime(expires),
        },
      });
    } catch (error) {
      // A KeeperMap refuses a slot another replica stored: read below whose it is.
      refused = error;
    }
    const result = await this.client.query({
      query: 'SELECT owner FROM leases WHERE slot = {slot:String}',
      query_params: { slot },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ owner: string }>();
    // No row at all: the insert failed for another reason (ClickHouse away); the round is not run.
    if (rows.length === 0) throw refused ?? new Error(`the lease row ${slot} was not stored`);
    return rows.length === 1 && rows[0]!.owner === this.options.owner;
  }

  private async forgetBefore(generation: number): Promise<void> {
    await this.client.command({
      query: 'DELETE FROM leases WHERE task = {task:String} AND generation < {generation:UInt64}',
      query_params: { task: this.options.task, generation },
    });
  }
}
