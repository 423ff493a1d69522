/**
 * What was refused, with the value that was refused (`unknown_object` → `cv-download`) and what
 * to do about it, so the owner learns about an object missing from the catalog, an origin a site
 * does not list, a test browser taken for a bot. Kept in ClickHouse (`refused_values`, migration
 * 0026) per site and UTC day, so a restart forgets nothing; bounded: per site, day and reason the
 * first MAX_VALUES_PER_REASON values keep their own count and the rest are counted together
 * (exact either way). Counts wait in memory for at most FLUSH_INTERVAL_MS; every read writes them
 * first, so a read sees every refusal answered before it.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { hintOf, type HintContext, type RefusedItem } from '../accept/refusal-hints.js';
import type { Catalog } from '../catalog/catalog.js';
import { deleteFrom } from '../clickhouse/cluster-schema.js';
import { count, rows } from '../stats/run-query.js';

export const MAX_VALUES_PER_REASON = 20;
export const FLUSH_INTERVAL_MS = 2000;
const TABLE = 'refused_values';

export interface RefusedValue {
  reason: string;
  /** The refused value; '' on the row counting the values past the bound (`others`). */
  value: string;
  /** The catalog site the refused items named, or '' (an unknown site, or none). */
  site: string;
  count: number;
  /** True on the row that counts every value past the first MAX_VALUES_PER_REASON of a site, day and reason. */
  others: boolean;
  /** What the owner can do about it. */
  hint: string;
}

interface StoredRow {
  site: string;
  day: string;
  reason: string;
  others: boolean;
  value: string;
  count: number;
}

/** The UTC day of an epoch-milliseconds time, as ClickHouse's Date reads it. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export class RefusedValues {
  /** The values with their own row, per site, day and reason: what the bound counts. */
  readonly #kept = new Map<string, Set<string>>();
  /** Counts not yet written, by row key. */
  #pending = new Map<string, StoredRow>();
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly catalog: Catalog,
    private readonly hints: HintContext,
    private readonly now: () => number = Date.now,
  ) {}

  /** Learns which values of today and yesterday already have a row, so a restart keeps the bound. */
  async load(): Promise<void> {
    const stored = await rows<{ site: string; day_text: string; reason: string; value: string }>(
      this.client,
      `SELECT DISTINCT site, toString(day) AS day_text, reason, value FROM ${TABLE} WHERE day >= {since:Date} AND NOT others`,
      { since: dayOf(this.now() - 86_400_000) },
    );
    for (const row of stored) this.#keptOf(row.site, row.day_text, row.reason).add(row.value);
  }

  /** Counts `count` refusals like `refusal` (an event's, or a data point's); call it where refusals are counted. */
  record(refusal: RefusedItem, count = 1): void {
    // Only a catalog site gets rows of its own: any other name is the sender's and unbounded.
    const site = refusal.reason !== 'unknown_site' && this.catalog.sites.has(refusal.site) ? refusal.site : '';
    const day = dayOf(this.now());
    const kept = this.#keptOf(site, day, refusal.reason);
    if (!kept.has(refusal.value) && kept.size < MAX_VALUES_PER_REASON) kept.add(refusal.value);
    const others = !kept.has(refusal.value);
    const value = others ? '' : refusal.value;
    const key = [site, day, refusal.reason, others, value].join('\u0000');
    const row = this.#pending.get(key);
    if (row) row.count += count;
    else this.#pending.set(key, { site, day, reason: refusal.reason, others, value, count });
  }

  /** What the owner can do about a refused value (for answers; `list` has it for each value). */
  hint(item: RefusedItem): string {
    return hintOf(item, this.hints);
  }

  /** Writes the counts waiting in memory; on failure they stay for the next try. */
  flush(): Promise<void> {
    // One write at a time, in order; a failed write never stops the next.
    this.#writing = this.#writing
      .catch(() => undefined)
      .then(async () => {
        if (this.#pending.size === 0) return;
        const batch = this.#pending;
        this.#pending = new Map();
        try {
          await this.client.insert({ table: TABLE, values: [...batch.values()], format: 'JSONEachRow' });
        } catch (error) {
          for (const [key, row] of batch) {
            const later = this.#pending.get(key);
            if (later) later.count += row.count;
            else this.#pending.set(key, row);
          }
          throw error;
        }
      });
    return this.#writing;
  }

  /** Every value refused since the start of `sinceDay` (UTC, `YYYY-MM-DD`), most refused first, each with its hint. */
  async list(sinceDay = dayOf(this.now())): Promise<RefusedValue[]> {
    await this.flush();
    const stored = await rows<{ site: string; reason: string; others: boolean; value: string; count: string }>(
      this.client,
      `SELECT site, reason, others, value, sum(count) AS count FROM ${TABLE} WHERE day >= {since:Date}
       GROUP BY site, reason, others, value
       ORDER BY count DESC, reason, site, others, value`,
      { since: sinceDay },
    );
    return stored.map((row) => {
      const item = { reason: row.reason, value: row.value, site: row.site };
      const hint = row.others ? `more values of ${row.reason} than the ${MAX_VALUES_PER_REASON} kept per day` : hintOf(item, this.hints);
      return { ...item, count: count(row.count), others: Boolean(row.others), hint };
    });
  }

  /** Forgets refused values that can tie a row to a person (a bot's user agent): in memory and stored. */
  async forget(values: readonly string[], cluster?: string): Promise<void> {
    if (values.length === 0) return;
    const gone = new Set(values);
    for (const [key, row] of this.#pending) if (gone.has(row.value)) this.#pending.delete(key);
    await this.#writing.catch(() => undefined);
    await this.client.command({
      query: `${deleteFrom(TABLE, cluster)} WHERE value IN {values:Array(String)} SETTINGS mutations_sync = 2`,
      query_params: { values },
    });
  }

  #keptOf(site: string, day: string, reason: string): Set<string> {
    const key = `${site}\u0000${day}\u0000${reason}`;
    let kept = this.#kept.get(key);
    if (!kept) {
      // Only today's and yesterday's sets are ever added to: older ones go.
      const yesterday = dayOf(this.now() - 86_400_000);
      for (const old of this.#kept.keys()) if (old.split('\u0000')[1]! < yesterday) this.#kept.delete(old);
      this.#kept.set(key, (kept = new Set()));
    }
    return kept;
  }
}
