// Grafana's alert state machine over a series of evaluations: an instance becomes Pending when
// its condition first holds and Firing once it has held for the rule's `for` duration; it is
// Normal again at the first evaluation where the condition does not hold.
import type { RangeSeries } from './prometheus-server.js';

/** `2m`, `90s`, `1h` in milliseconds. */
export function durationMs(text: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(text);
  if (!match) throw new Error(`unsupported duration ${text}`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
}

/**
 * The times (epoch ms) at which an alert instance started firing, over every series the
 * expression returned. The condition holds where the series has a value above zero (the
 * rules' threshold "A > 0"); a missing value is "no data", which the rules treat as OK.
 */
export function firingStarts(result: RangeSeries[], forMs: number, stepMs: number): number[] {
  const starts: number[] = [];
  for (const series of result) {
    let pendingSince: number | undefined;
    let previous: number | undefined;
    let firing = false;
    for (const [seconds, value] of series.values) {
      const time = seconds * 1000;
      const holds = Number(value) > 0;
      const continuous = previous !== undefined && time - previous === stepMs;
      if (!holds) {
        firing = false;
        pendingSince = undefined;
      } else {
        // A gap in the series is evaluations where the expression returned nothing: Normal.
        if (!continuous) {
          firing = false;
          pendingSince = time;
        }
        pendingSince ??= time;
        if (!firing && time - pendingSince >= forMs) {
          firing = true;
          starts.push(time);
        }
      }
      previous = time;
    }
  }
  return starts.sort((a, b) => a - b);
}
