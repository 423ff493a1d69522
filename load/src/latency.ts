// Response times of a run or of one step, kept exactly (8 bytes each: a 10-million-event firehose
// of 50-event requests is 200,000 values) so percentiles across steps need no merging of
// approximate histograms. autocannon's own histogram is not used: with a rate set it records
// every answer slower than 1 ms as a series of back-filled values (its coordinated-omission
// correction assumes one request per millisecond), which moves p50 and p99 for our paced runs.
export class LatencyRecorder {
  private values = new Float64Array(1024);
  private length = 0;

  record(ms: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = ms;
  }

  get count(): number {
    return this.length;
  }

  /** Percentiles (0-100) in ms, nearest-rank; NaN when nothing was recorded. */
  percentiles(...ranks: number[]): number[] {
    if (this.length === 0) return ranks.map(() => Number.NaN);
    const sorted = this.values.slice(0, this.length).sort();
    return ranks.map((rank) => sorted[Math.min(this.length - 1, Math.max(0, Math.ceil((rank / 100) * this.length) - 1))]!);
  }
}
