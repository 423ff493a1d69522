/** A cap on live streams open at once, in all and per client, so streams cannot crowd out the service. */
import { TooManyStreamsError } from '../errors.js';

export class StreamSlots {
  readonly #perClient = new Map<string, number>();
  #total = 0;

  constructor(
    readonly maxTotal: number,
    readonly maxPerClient: number,
  ) {}

  /** Takes a slot for `client` or throws a 429 that says which cap was hit; returns the release. */
  acquire(client: string): () => void {
    const held = this.#perClient.get(client) ?? 0;
    if (held >= this.maxPerClient) {
      throw new TooManyStreamsError(
        `this address already has ${held} live streams open (at most ${this.maxPerClient}, STREAM_MAX_PER_CLIENT); close one (another tab?) and retry`,
      );
    }
    if (this.#total >= this.maxTotal) {
      throw new TooManyStreamsError(
        `the service has ${this.#total} live streams open (at most ${this.maxTotal}, STREAM_MAX_TOTAL); retry later`,
      );
    }
    this.#perClient.set(client, held + 1);
    this.#total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total -= 1;
      const left = (this.#perClient.get(client) ?? 1) - 1;
      if (left === 0) this.#perClient.delete(client);
      else this.#perClient.set(client, left);
    };
  }

  get open(): number {
    return this.#total;
  }
}
