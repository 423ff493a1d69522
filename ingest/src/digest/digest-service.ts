// The weekly digest's delivery (plugins/digest.ts runs a round every minute): for each site of the
// catalog, the digest due (each Monday at 08:00 in the site's zone, for the ISO week that ended
// the day before) is delivered on
// each channel that has not taken it yet, and that channel is recorded in `digests_sent`
// (migration 0037), so a restart never sends it again. A service that was down on Monday sends
// the week's digest when it is back; only the latest week is ever sent. A failed delivery is
// tried again next minute, up to DELIVERY_ROUNDS times; nothing here touches ingest. With several
// replicas, a round delivers only on the holder of the lease `digest` (src/lease/), and each post
// or mail is fenced: an owner paused past its lease's expiry leaves it to the newer owner.
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteEntry } from '../catalog/catalog.js';
import { FencedOff, fence, type Lease, SoleOwner } from '../lease/lease.js';
import { composeDigest } from './compose-digest.js';
import { digestText } from './digest-text.js';
import { dueWeek } from './iso-week.js';
import { type MailSettings, mailDigest, postDigest } from './send-digest.js';

export interface DigestPluginOptions {
  /** The alert webhook (FOOTFALL_ALERT_WEBHOOK_URL); undefined posts nothing. */
  webhookUrl: string | undefined;
  /** SMTP_URL, DIGEST_FROM and DIGEST_TO; undefined mails nothing. */
  mail: MailSettings | undefined;
  /** The clock, epoch ms; tests bring their own. */
  now?: () => number;
  /** The local hour on Mondays at which the digest is due. */
  hour?: number;
  /** Pause between the webhook's tries within a round. */
  webhookPauseMs?: number;
  /** REPLICA_ID: with one, digests are delivered by the replica holding the lease only; '' or undefined, here always. */
  replicaId?: string;
}

export type Channel = 'webhook' | 'mail';

export const DIGEST_HOUR = 8;
/** Rounds (minutes) in which a channel that did not take a digest is tried again before it is given up. */
const DELIVERY_ROUNDS = 10;

export class DigestService {
  /** `site/week/channel` delivered (or given up): no need to ask ClickHouse again. */
  private readonly done = new Set<string>();
  private readonly failedRounds = new Map<string, number>();
  private running: Promise<void> | undefined;
  /** The last minute a round finished (epoch ms of its clock): what a test waits for. */
  checkedAt: number | undefined;
  private readonly lease: Lease;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly sites: () => Iterable<SiteEntry>,
    private readonly options: DigestPluginOptions & {
      log: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void; error: (o: object, m: string) => void };
      /** Who delivers; the process alone when not given. */
      lease?: Lease;
    },
  ) {
    this.lease = options.lease ?? new SoleOwner();
  }

  private channels(): Channel[] {
    return [...(this.options.webhookUrl ? ['webhook' as const] : []), ...(this.options.mail ? ['mail' as const] : [])];
  }

  /** One round at `now` (epoch ms); a round still under way is awaited rather than doubled. */
  round(now: number): Promise<void> {
    this.running ??= this.deliverDue(now).finally(() => {
      this.running = undefined;
      this.checkedAt = now;
    });
    return this.running;
  }

  /** Resolves when no round is under way. */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async sent(site: string, week: string): Promise<Set<string>> {
    const result = await this.client.query({
      query: 'SELECT DISTINCT channel FROM digests_sent WHERE site = {site:String} AND week = {week:String}',
      query_params: { site, week },
      format: 'JSONEachRow',
    });
    return new Set((await result.json<{ channel: string }>()).map((row) => row.channel));
  }

  private async deliverDue(now: number): Promise<void> {
    const channels = this.channels();
    if (channels.length === 0) return;
    // Another replica holds the lease: it delivers, and records what it sent for whoever is next.
    if (!(await this.lease.hold())) return;
    try {
      await this.deliverEachSite(now, channels);
    } catch (error) {
      if (!(error instanceof FencedOff)) throw error;
      // Paused past the lease's expiry: the newer owner delivers (what this one sent is recorded).
      this.options.log.info({ err: error }, 'the weekly digest is left to the newer owner of its lease');
    }
  }

  private async deliverEachSite(now: number, channels: Channel[]): Promise<void> {
    for (const site of this.sites()) {
      const { week } = dueWeek(Math.floor(now / 1000), site.timeZone, this.options.hour ?? DIGEST_HOUR);
      const key = (channel: Channel) => `${site.id}/${week}/${channel}`;
      let pending = channels.filter((channel) => !this.done.has(key(channel)));
      if (pending.length === 0) continue;
      const sent = await this.sent(site.id, week);
      for (const channel of pending) if (sent.has(channel)) this.done.add(key(channel));
      pending = pending.filter((channel) => !sent.has(channel));
      if (pending.length === 0) continue;
      const facts = await composeDigest(this.client, site, week, Math.floor(now / 1000));
      const text = digestText(facts);
      for (const channel of pending) {
        const delivered = await this.deliver(channel, facts, text);
        if (delivered) {
          await this.client.insert({
            table: 'digests_sent',
            // Not fenced: the digest went out, and the record keeps the newer owner from sending it again.
            values: [
              {
                site: site.id,
                week,
                channel,
                sent_at: new Date(now).toISOString().replace('T', ' ').replace('Z', ''),
                generation: this.lease.generation ?? 0,
              },
            ],
            format: 'JSONEachRow',
          });
          this.done.add(key(channel));
          this.failedRounds.delete(key(channel));
          this.options.log.info({ site: site.id, week, channel }, 'weekly digest sent');
          continue;
        }
        const rounds = (this.failedRounds.get(key(channel)) ?? 0) + 1;
        this.failedRounds.set(key(channel), rounds);
        this.options.log.warn({ site: site.id, week, channel, rounds }, 'the weekly digest was not taken; trying again next minute');
        if (rounds >= DELIVERY_ROUNDS) {
          this.options.log.error({ site: site.id, week, channel }, 'weekly digest given up');
          this.done.add(key(channel));
        }
      }
    }
  }

  private async deliver(
    channel: Channel,
    facts: Parameters<typeof postDigest>[0],
    text: Parameters<typeof postDigest>[1],
  ): Promise<boolean> {
    // Checked right before each try: a paused owner whose lease another took must not deliver too.
    const fenced = () => fence(this.lease, 'digest');
    if (channel === 'webhook') {
      return postDigest(facts, text, { url: this.options.webhookUrl!, pauseMs: this.options.webhookPauseMs, fence: fenced });
    }
    await fenced();
    try {
      await mailDigest(text, this.options.mail!);
      return true;
    } catch (error) {
      this.options.log.warn({ err: error }, 'the SMTP server did not take the weekly digest');
      return false;
    }
  }
}
