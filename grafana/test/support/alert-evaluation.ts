// Grafana's alert state machine over a series of evaluations: an instance becomes Pending when
// its threshold first holds and Firing once it has held for the rule's `for` duration; it is
// Normal again at the first evaluation where the threshold does not hold.
import type { RangeSeries } from './prometheus-server.js';

/** A rule's threshold stage: its evaluator type and the one parameter it compares against. */
export interface Threshold {
  type: 'gt' | 'lt';
  value: number;
}

/** `2m`, `90s`, `1h` in milliseconds. */
export function durationMs(text: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(text);
  if (!match) throw new Error(`unsupported duration ${text}`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
}

/** Whether the threshold holds for a value; NaN (0/0) holds for nothing, as in Grafana. */
export function thresholdHolds(threshold: Threshold, value: number): boolean {
  return threshold.type === 'gt' ? value > threshold.value : value < threshold.value;
}

/** One episode of an alert instance firing: from its first Firing evaluation to the first Normal one. */
export interface Firing {
  labels: Record<string, string>;
  start: number;
  end: number;
}

/**
 * Every firing episode (epoch ms) of every series the query returned. A missing value is "no
 * data", which the rules treat as Normal.
 */
export function firings(result: RangeSeries[], threshold: Threshold, forMs: number, stepMs: number): Firing[] {
  const episodes: Firing[] = [];
  for (const series of result) {
    let pendingSince: number | undefined;
    let previous: number | undefined;
    let current: Firing | undefined;
    const normal = (time: number): void => {
      if (current) episodes.push({ ...current, end: time });
      current = undefined;
      pendingSince = undefined;
    };
    for (const [seconds, value] of series.values) {
      const time = seconds * 1000;
      // A gap in the series is evaluations where the query returned nothing: Normal.
      if (previous !== undefined && time - previous !== stepMs) normal(previous + stepMs);
      if (!thresholdHolds(threshold, Number(value))) normal(time);
      else {
        pendingSince ??= time;
        if (!current && time - pendingSince >= forMs) current = { labels: series.metric, start: time, end: time };
      }
      previous = time;
    }
    if (previous !== undefined) normal(previous + stepMs);
  }
  return episodes.sort((a, b) => a.start - b.start);
}

/** The times at which alert instances started firing. */
export function firingStarts(result: RangeSeries[], threshold: Threshold, forMs: number, stepMs: number): number[] {
  return firings(result, threshold, forMs, stepMs).map((episode) => episode.start);
}
