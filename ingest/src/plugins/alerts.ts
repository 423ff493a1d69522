// The service's own traffic alerts, for the one-command default that has no Prometheus or Grafana:
// every minute, a few seconds past it (so the minute's batches have landed), each site's events
// per minute of acceptance are judged by the traffic rules (traffic-evaluator.ts); an alert that
// starts firing is stored and posted to the webhook, one that stops is stored resolved and posted
// again. Open alerts are kept in ClickHouse, so a restart neither forgets nor repeats one. A failed
// evaluation (ClickHouse away) is logged and tried again next minute; nothing here touches ingest.
// With several replicas (REPLICA_ID), only the holder of the lease `alerts` evaluates (src/lease/):
// the others would store and post every alert once each. Its writes and posts are fenced: an owner
// paused past its lease's expiry leaves them to the newer owner.
import fp from 'fastify-plugin';
import { AlertStore, type StoredAlert } from '../alerts/alert-store.js';
import { readFirstMinutes, readMinuteCounts, siteMinutes, type MinuteCount } from '../alerts/minute-counts.js';
import { episodes, HISTORY_MINUTES, TRAFFIC_RULES, TrafficEvaluator } from '../alerts/traffic-evaluator.js';
import { postAlert } from '../alerts/webhook.js';
import { FencedOff, fence, type Lease, leaseFor } from '../lease/lease.js';
import { LeasedRounds } from '../lease/leased-rounds.js';

declare module 'fastify' {
  interface FastifyInstance {
    alerts: AlertsService;
  }
}

export interface AlertsPluginOptions {
  /** Where alerts are posted (FOOTFALL_ALERT_WEBHOOK_URL); undefined posts nothing. */
  webhookUrl: string | undefined;
  /** The clock; tests bring their own. */
  now?: () => number;
  /** How long past a minute it is judged. */
  settleMs?: number;
  /** Pause before the webhook's second try (doubled after). */
  webhookPauseMs?: number;
  /** REPLICA_ID: with one, the evaluation runs on the replica holding the lease only; '' or undefined, here always. */
  replicaId?: string;
}

const MINUTE = 60_000;
/** Minutes read again each time: a batch may land a little after its minute ended. */
const REREAD_MINUTES = 5;
/** Evaluations replayed to find each rule's state now: more than the longest `for`. */
const REPLAY_MINUTES = 60;
/** Evaluation rounds in which an undelivered message is tried again before it is given up. */
const WEBHOOK_ROUNDS = 10;

const keyOf = (alert: { rule: string; site: string }): string => `${alert.rule}\u0000${alert.site}`;

export class AlertsService {
  /** Events per site and minute read so far, and the minute up to which they are read. */
  private readonly counts = new Map<string, Map<number, number>>();
  private firsts = new Map<string, number>();
  private readUpTo: number | undefined;
  private readonly open = new Map<string, StoredAlert>();
  private readonly failedRounds = new Map<string, number>();
  private readonly sending = new Set<string>();
  private loaded = false;
  /** The last minute judged (epoch minutes). */
  evaluatedAt: number | undefined;
  /** The last minute left to another replica, the lease's holder (epoch minutes). */
  leftAt: number | undefined;

  constructor(
    readonly store: AlertStore,
    private readonly read: {
      minutes: (from: number, to: number) => Promise<MinuteCount[]>;
      firsts: () => Promise<Map<string, number>>;
    },
    private readonly options: AlertsPluginOptions & {
      log: { warn: (o: object, m: string) => void; error: (o: object, m: string) => void };
      /** The lease `alerts`, checked before each post; the process alone when not given. */
      lease?: Lease;
    },
  ) {}

  /** Judges every site at the minute boundary `at` (epoch minutes): the state of every rule then. */
  async evaluate(at: number): Promise<void> {
    if (!this.loaded) {
      for (const alert of await this.store.unfinished()) this.open.set(keyOf(alert), alert);
      this.loaded = true;
    }
    const from = at - HISTORY_MINUTES - REPLAY_MINUTES;
    const readFrom = this.readUpTo === undefined ? from : Math.max(from, this.readUpTo - REREAD_MINUTES);
    const rows = await this.read.minutes(readFrom, at);
    this.firsts = this.readUpTo === undefined ? await this.read.firsts() : this.firsts;
    for (const row of rows) {
      let site = this.counts.get(row.site);
      if (!site) this.counts.set(row.site, (site = new Map()));
      site.set(row.minute, Number(row.events));
      if (!this.firsts.has(row.site)) this.firsts.set(row.site, row.minute);
    }
    for (const site of this.counts.values()) {
      for (const minute of site.keys()) if (minute < from) site.delete(minute);
    }
    this.readUpTo = at;

    const all = [...this.counts].flatMap(([site, minutes]) => [...minutes].map(([minute, events]) => ({ site, minute, events })));
    const firing = new Map<string, StoredAlert>();
    for (const minutes of siteMinutes(all, this.firsts, from, at)) {
      const evaluator = new TrafficEvaluator(minutes);
      for (const rule of TRAFFIC_RULES) {
        const current = episodes(evaluator, rule, at - REPLAY_MINUTES, at).find((episode) => episode.end === undefined);
        if (!current) continue;
        const context = evaluator.context(rule.id, at);
        firing.set(keyOf(current), {
          rule: rule.id,
          site: minutes.site,
          startedAt: current.start * MINUTE,
          resolvedAt: undefined,
          ...context,
          notified: '',
        });
      }
    }
    for (const [key, alert] of firing) {
      const known = this.open.get(key);
      if (known && known.resolvedAt === undefined) continue;
      this.open.set(key, alert);
      await this.store.save(alert);
    }
    for (const [key, alert] of this.open) {
      if (alert.resolvedAt !== undefined || firing.has(key)) continue;
      const resolved = { ...alert, resolvedAt: at * MINUTE };
      this.open.set(key, resolved);
      await this.store.save(resolved);
    }
    this.evaluatedAt = at;
    this.notify();
  }

  /**
   * The minute `at` is judged by another replica, the lease's holder. What this one knew is
   * forgotten: should the lease come back, the evaluation starts again from what is stored,
   * including the alerts the other replica opened, resolved and posted meanwhile.
   */
  leaveToOwner(at: number): void {
    this.counts.clear();
    this.firsts = new Map();
    this.readUpTo = undefined;
    this.open.clear();
    this.loaded = false;
    this.leftAt = at;
  }

  /** Posts what the webhook has not taken yet, without waiting for it. */
  private notify(): void {
    for (const [key, alert] of this.open) {
      const due = alert.resolvedAt === undefined ? 'firing' : 'resolved';
      // A resolve is owed only for an alert whose firing was posted.
      const owed = due === 'firing' ? alert.notified === '' : alert.notified === 'firing';
      if (!owed || !this.options.webhookUrl) {
        if (due === 'resolved' && !owed) this.open.delete(key);
        continue;
      }
      if (this.sending.has(key)) continue;
      this.sending.add(key);
      const lease = this.options.lease;
      void postAlert(alert, {
        url: this.options.webhookUrl,
        firstPauseMs: this.options.webhookPauseMs,
        fence: lease && (() => fence(lease, 'alerts')),
      })
        .then(async (delivered) => {
          if (delivered) {
            this.failedRounds.delete(key);
            // Recorded on the alert's newest state: one resolved while its firing was posted stays
            // resolved (and its resolve is posted next minute).
            const latest = this.open.get(key);
            const current = latest?.startedAt === alert.startedAt ? latest : alert;
            const sent: StoredAlert = { ...current, notified: due };
            if (latest === current) this.open.set(key, sent);
            await this.store.save(sent);
            if (due === 'resolved') this.open.delete(key);
            return;
          }
          const rounds = (this.failedRounds.get(key) ?? 0) + 1;
          this.failedRounds.set(key, rounds);
          this.options.log.warn({ rule: alert.rule, site: alert.site, status: due, rounds }, 'the alert webhook did not take the message');
          if (rounds >= WEBHOOK_ROUNDS) {
            this.options.log.error({ rule: alert.rule, site: alert.site, status: due }, 'alert message given up');
            const latest = this.open.get(key);
            if (latest) this.open.set(key, { ...latest, notified: due });
            this.failedRounds.delete(key);
            if (due === 'resolved') this.open.delete(key);
          }
        })
        .catch((error: unknown) => {
          // Fenced off: the lease's newer owner posts and records from what is stored.
          if (error instanceof FencedOff) return;
          this.options.log.warn({ err: error }, 'could not record a delivered alert message');
        })
        .finally(() => this.sending.delete(key));
    }
  }

  /** Whether a message is being posted (or waits between tries). */
  get posting(): boolean {
    return this.sending.size > 0;
  }
}

export const alertsPlugin = fp<AlertsPluginOptions>(
  async (app, options) => {
    const now = options.now ?? Date.now;
    const settleMs = options.settleMs ?? 5000;
    const lease = leaseFor(app.clickhouse, 'alerts', { replicaId: options.replicaId ?? '', now });
    const service = new AlertsService(
      new AlertStore(app.clickhouse, lease),
      { minutes: (from, to) => readMinuteCounts(app.clickhouse, from, to), firsts: () => readFirstMinutes(app.clickhouse) },
      { ...options, log: app.log, lease },
    );
    app.decorate('alerts', service);
    const rounds = new LeasedRounds({
      lease,
      // Each round is scheduled from the clock, a few seconds past the next minute, so a slow
      // evaluation or a suspended machine skips minutes rather than piling rounds up.
      delayMs: () => MINUTE - ((now() - settleMs) % MINUTE),
      begin: () => Math.floor((now() - settleMs) / MINUTE),
      round: (at) => service.evaluate(at),
      leave: (at) => service.leaveToOwner(at),
      failed: (error, at) => {
        // Paused past the lease's expiry, and another replica judges now: left to it, as when not held.
        if (error instanceof FencedOff) return service.leaveToOwner(at);
        app.log.warn({ err: error }, 'could not evaluate the traffic alerts; trying again next minute');
      },
      releaseFailed: (error) => app.log.warn({ err: error }, 'could not give up the alerts lease'),
    });
    app.addHook('onReady', async () => rounds.start());
    app.addHook('onClose', async () => rounds.stop());
  },
  { name: 'footfall-alerts', dependencies: ['footfall-clickhouse'] },
);
