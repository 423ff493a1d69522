import { createHash, randomBytes } from 'node:crypto';
import { type DailySalts, dayOf } from './daily-salts.js';

/**
 * Privacy-safe visitor ids: a hash with a salt that changes at every UTC midnight, so an id cannot
 * be joined across days, and the inputs (IP, user agent) are never stored. With a store, the
 * day's salt is the one kept in ClickHouse, so a restart or a crash in the middle of a day does
 * not count every returning visitor twice; without one (unit tests), it lives in memory only.
 */
export class VisitorIds {
  /** Salts by UTC day: today's, and tomorrow's once `refresh` fetched it ahead of midnight. */
  private readonly salts = new Map<number, Buffer>();
  /** The day before which the store holds no salt any more: deleted once per day, not per refresh. */
  private storeForgotBefore = -1;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly store?: DailySalts,
  ) {}

  /**
   * Loads today's and tomorrow's salts from the store (creating them if no process did yet), and
   * deletes the salts of past days there and here. Run at start-up and then every minute, so the
   * next day's salt is at hand at midnight, even through an outage of ClickHouse of up to a day.
   * Ids are made with the salt of the day a request arrives (not the day its events name), so a
   * late event never needs yesterday's salt: only today's is kept.
   */
  async refresh(): Promise<void> {
    if (!this.store) return;
    const today = dayOf(this.now());
    for (const day of [today, today + 1]) {
      // A salt this process already hashed with (before the store answered) is the one offered.
      this.salts.set(day, await this.store.saltOf(day, this.salts.get(day) ?? randomBytes(32)));
    }
    this.forgetBefore(today);
    if (this.storeForgotBefore < today) {
      await this.store.forgetBefore(today);
      this.storeForgotBefore = today;
    }
  }

  /** `parts` identify the visitor for today (site, IP and user agent, or site, session and user agent). */
  idOf(...parts: string[]): string {
    const day = dayOf(this.now());
    let salt = this.salts.get(day);
    if (salt === undefined) {
      // No stored salt at hand (no store, or it has not answered yet): one of this process's own,
      // offered to the store at the next refresh.
      salt = randomBytes(32);
      this.salts.set(day, salt);
      this.forgetBefore(day);
    }
    const hash = createHash('sha256').update(salt);
    for (const part of parts) hash.update('\u0000').update(part);
    return hash.digest('hex').slice(0, 16);
  }

  private forgetBefore(day: number): void {
    for (const known of this.salts.keys()) if (known < day) this.salts.delete(known);
  }
}
