// The alerts the service raised, in ClickHouse (migration 0029_create_alerts.sql): what survives a
// restart, so an open alert is neither forgotten nor notified twice, and what the overview page lists.
import type { ClickHouseClient } from '@clickhouse/client';
import { fence, type Lease, SoleOwner } from '../lease/lease.js';
import type { TrafficRuleId } from './traffic-evaluator.js';

export type Notified = '' | 'firing' | 'resolved';

export interface StoredAlert {
  rule: TrafficRuleId;
  site: string;
  /** Epoch ms of the first minute it fired. */
  startedAt: number;
  /** Epoch ms of the first minute it no longer fired; undefined while it fires. */
  resolvedAt: number | undefined;
  /** Events a minute seen and expected when it fired. */
  observed: number;
  expected: number;
  /** The last message the webhook took. */
  notified: Notified;
}

interface AlertRow {
  rule: TrafficRuleId;
  site: string;
  started_at: number;
  resolved_at: number | null;
  observed: number;
  expected: number;
  notified: Notified;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

const fromRow = (row: AlertRow): StoredAlert => ({
  rule: row.rule,
  site: row.site,
  startedAt: Number(row.started_at) * 1000,
  resolvedAt: row.resolved_at === null ? undefined : Number(row.resolved_at) * 1000,
  observed: row.observed,
  expected: row.expected,
  notified: row.notified,
});

export class AlertStore {
  /** `lease`: the `alerts` lease whose owner writes (src/lease/); the process alone when not given. */
  constructor(
    private readonly client: ClickHouseClient,
    private readonly lease: Lease = new SoleOwner(),
  ) {}

  /**
   * Writes the alert's current state; the newest write of an episode wins. Refused (FencedOff) when
   * another replica holds a newer generation of the lease: this owner was paused past its expiry,
   * and its state, newer by the clock, would replace what the next owner judged since.
   */
  async save(alert: StoredAlert): Promise<void> {
    await fence(this.lease, 'alerts');
    await this.client.insert({
      table: 'alerts',
      values: [
        {
          rule: alert.rule,
          site: alert.site,
          started_at: seconds(alert.startedAt),
          resolved_at: alert.resolvedAt === undefined ? null : seconds(alert.resolvedAt),
          observed: alert.observed,
          expected: alert.expected,
          notified: alert.notified,
          version: Date.now(),
          generation: this.lease.generation ?? 0,
        },
      ],
      format: 'JSONEachRow',
    });
  }

  /**
   * Alerts still firing, and those that started or resolved since `since` (epoch ms), newest
   * first; for one site when `site` is given.
   */
  async list(since: number, site?: string): Promise<StoredAlert[]> {
    const result = await this.client.query({
      query: `SELECT rule, site, toUnixTimestamp(started_at) AS started_at,
                     if(isNull(resolved_at), NULL, toUnixTimestamp(assumeNotNull(resolved_at))) AS resolved_at,
                     observed, expected, notified
              FROM alerts FINAL
              WHERE (resolved_at IS NULL OR resolved_at >= fromUnixTimestamp({since:UInt32}) OR started_at >= fromUnixTimestamp({since:UInt32}))
                AND ({site:String} = '' OR site = {site:String})
              ORDER BY started_at DESC, rule, site`,
      query_params: { since: seconds(since), site: site ?? '' },
      format: 'JSONEachRow',
    });
    return (await result.json<AlertRow>()).map(fromRow);
  }

  /**
   * Alerts still firing, or resolved with their resolve message not yet delivered, whatever their
   * age: the evaluator's memory across restarts.
   */
  async unfinished(): Promise<StoredAlert[]> {
    const result = await this.client.query({
      query: `SELECT rule, site, toUnixTimestamp(started_at) AS started_at,
                     if(isNull(resolved_at), NULL, toUnixTimestamp(assumeNotNull(resolved_at))) AS resolved_at,
                     observed, expected, notified
              FROM alerts FINAL WHERE resolved_at IS NULL OR notified = 'firing'`,
      format: 'JSONEachRow',
    });
    return (await result.json<AlertRow>()).map(fromRow);
  }
}
