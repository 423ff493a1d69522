import { createHash, randomBytes } from 'node:crypto';

/**
 * Privacy-safe visitor ids: a hash of a salt that lives only in memory and changes at every UTC
 * midnight, so an id cannot be joined across days, and the inputs (IP, user agent) are never stored.
 */
export class VisitorIds {
  private day = -1;
  private salt = Buffer.alloc(0);

  constructor(private readonly now: () => number = Date.now) {}

  /** `parts` identify the visitor for today (site, IP and user agent, or site, session and user agent). */
  idOf(...parts: string[]): string {
    const day = Math.floor(this.now() / 86_400_000);
    if (day !== this.day) {
      this.day = day;
      this.salt = randomBytes(32);
    }
    const hash = createHash('sha256').update(this.salt);
    for (const part of parts) hash.update('\u0000').update(part);
    return hash.digest('hex').slice(0, 16);
  }
}
