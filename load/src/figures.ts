// The one-line summary every run prints, the same fields as the tables of docs/load.md.
import type { ScenarioFigures } from './run-scenario.js';

const ms = (value: number) => (Number.isNaN(value) ? '-' : `${value.toFixed(1)} ms`);
const count = (value: number) => value.toLocaleString('en-US');

export function figuresLine(figures: ScenarioFigures): string {
  const { counts } = figures;
  const attempts = counts.attempts;
  const failedShare = attempts === 0 ? 0 : ((counts.deferred + counts.failed + counts.lost) / attempts) * 100;
  return (
    `figures ${figures.scenario}: ${count(Math.round(figures.eventsPerSecond))} events/s ` +
    `(${count(Math.round(figures.requestsPerSecond))} requests/s) over ${figures.loadSeconds.toFixed(1)} s; ` +
    `p50 ${ms(figures.p50Ms)}, p95 ${ms(figures.p95Ms)}, p99 ${ms(figures.p99Ms)}; ` +
    `events sent ${count(counts.sentEvents)}, acknowledged ${count(counts.acknowledgedEvents)}, stored ${count(figures.stored)}, ` +
    `refused ${count(counts.refusedEvents)}; ${count(attempts)} attempts, ${failedShare.toFixed(2)} % not 2xx ` +
    `(${counts.deferred} deferred, ${counts.failed} failed, ${counts.lost} lost), ${count(counts.retries)} retries; ` +
    `ingest RSS peak ${Math.round(figures.peakRssBytes / 2 ** 20)} MiB`
  );
}

export function breakpointLines(figures: ScenarioFigures): string[] {
  return Object.entries(figures.breakpoint ?? {}).map(
    ([path, result]) =>
      `breakpoint ${path === 'beacon' ? 'beacons straight in' : 'OTLP through the Collector'}: ` +
      `${count(Math.round(result.sustainedEventsPerSecond))} events/s sustained; stopped because ${result.stoppedBecause}`,
  );
}
