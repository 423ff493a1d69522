// Labelled traffic scenarios for the alert rules: two days each of the footfall_* series (and
// the Collector's) as Prometheus would have scraped them. Day 1 is history the rules look back
// on; day 2 is evaluated, with the anomaly (if any) injected into it.
import poisson from '@stdlib/random-base-poisson';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** Sample spacing of the generated series (the scrape interval they stand for). */
export const SCRAPE_MS = 30_000;

/** Human events per minute at the daily peak (15:00 UTC); about 0.8 a minute at 03:00. */
const PEAK_EVENTS_PER_MINUTE = 40;
const SITE = 'portfolio';

const EVENT_MIX: Record<string, number> = {
  page_view: 0.2,
  room_enter: 0.08,
  room_exit: 0.07,
  object_view: 0.3,
  object_click: 0.15,
  navigation: 0.1,
  time_spent: 0.1,
};
/** Share of events that arrive as OTLP spans through the Collector; the rest are beacons. */
const OTLP_SHARE = 0.1;
/** Normal refusals, as a share of human events: crawlers, and a little bad input. */
const NORMAL_REFUSALS: Record<string, number> = { bot: 0.03, invalid_field: 0.005, unknown_object: 0.002 };
const SPOOL_BYTES_PER_EVENT = 600;
const SPANS_PER_OTLP_EVENT = 3;

export interface Anomaly {
  /** Offsets from the start of day 2. */
  start: number;
  end: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** Rules that must fire, within 10 minutes of the anomaly's start. */
  expected: string[];
  anomaly?: Anomaly;
  /** Multiplies the daily rhythm; `t` is the time since the scenario's start. */
  humans?: (t: number) => number;
  /** Bot events as a multiple of the human rate, instead of the normal 3 %. */
  bots?: (t: number) => number | undefined;
  /** Share of the browser-counted events the ingest service accepts (beacons lost otherwise). */
  accepted?: (t: number) => number;
  clickhouseDown?: (t: number) => boolean;
  collectorFailing?: (t: number) => boolean;
  /** Isolated transient write failures (times since the scenario's start). */
  transientWriteFailures?: number[];
}

const inDay2 = (t: number, from: number, to: number): boolean => t >= DAY + from && t < DAY + to;

export const SCENARIOS: Scenario[] = [
  {
    name: 'steady',
    description: 'daily rhythm with Poisson noise, two isolated write failures',
    expected: [],
    transientWriteFailures: [DAY + 9 * HOUR + 7 * MINUTE, DAY + 17 * HOUR + 41 * MINUTE],
  },
  {
    name: 'slow growth',
    description: 'traffic growing 60 % a day',
    expected: [],
    humans: (t) => 1.6 ** (t / DAY),
  },
  {
    name: 'weekend dip',
    description: 'day 2 at 40 % of day 1',
    expected: [],
    humans: (t) => (t >= DAY ? 0.4 : 1),
  },
  {
    name: 'night without visits',
    description: 'no events at all from 00:00 to 07:30 on day 2',
    expected: [],
    humans: (t) => (inDay2(t, 0, 7.5 * HOUR) ? 0 : 1),
  },
  {
    name: '5x spike',
    description: 'five times the traffic from 14:00 for 40 minutes',
    expected: ['footfall-traffic-spike'],
    anomaly: { start: 14 * HOUR, end: 14 * HOUR + 40 * MINUTE },
    humans: (t) => (inDay2(t, 14 * HOUR, 14 * HOUR + 40 * MINUTE) ? 5 : 1),
  },
  {
    name: '20x bot burst',
    description: 'bots at 20 times the human rate from 11:00 for 20 minutes, refused as bots',
    expected: ['footfall-refusal-flood'],
    anomaly: { start: 11 * HOUR, end: 11 * HOUR + 20 * MINUTE },
    bots: (t) => (inDay2(t, 11 * HOUR, 11 * HOUR + 20 * MINUTE) ? 20 : undefined),
  },
  {
    name: 'drop to zero',
    description: 'tracking breaks at 13:00 on day 2: no events from then on',
    expected: ['footfall-tracking-broken'],
    anomaly: { start: 13 * HOUR, end: DAY },
    humans: (t) => (inDay2(t, 13 * HOUR, DAY) ? 0 : 1),
  },
  {
    name: 'ClickHouse outage',
    description: 'ClickHouse unreachable from 15:00 for 25 minutes: writes fail, the spool grows',
    expected: ['footfall-write-failures', 'footfall-spool-growing'],
    anomaly: { start: 15 * HOUR, end: 15 * HOUR + 25 * MINUTE },
    clickhouseDown: (t) => inDay2(t, 15 * HOUR, 15 * HOUR + 25 * MINUTE),
  },
  {
    name: 'Collector export failing',
    description: 'the Collector cannot reach the ingest service from 10:00 for 20 minutes',
    expected: ['footfall-collector-export-failing'],
    anomaly: { start: 10 * HOUR, end: 10 * HOUR + 20 * MINUTE },
    collectorFailing: (t) => inDay2(t, 10 * HOUR, 10 * HOUR + 20 * MINUTE),
  },
  {
    name: 'beacons lost',
    description: 'from 16:00 for 30 minutes only 40 % of the events browsers count are accepted',
    expected: ['footfall-browser-ingest-divergence'],
    anomaly: { start: 16 * HOUR, end: 16 * HOUR + 30 * MINUTE },
    accepted: (t) => (inDay2(t, 16 * HOUR, 16 * HOUR + 30 * MINUTE) ? 0.4 : 1),
  },
];

/** Share of the daily peak at a time of day: a smooth day with its peak at 15:00 UTC. */
export function dailyRhythm(timeOfDayMs: number): number {
  const hours = timeOfDayMs / HOUR;
  const wave = (1 + Math.cos((2 * Math.PI * (hours - 15)) / 24)) / 2;
  return 0.02 + 0.98 * wave ** 3;
}

interface Series {
  family: string;
  type: 'counter' | 'gauge';
  labels: Record<string, string>;
  samples: number[];
}

/**
 * The scenario's samples, one value per scrape, as cumulative counters and gauges. Seeded, so
 * every run sees the same noise.
 */
export function generateSeries(scenario: Scenario, seed: number): Series[] {
  const draw = poisson.factory({ seed });
  const count = (mean: number): number => (mean > 0 ? draw(mean) : 0);
  const ingest = { job: 'ingest', instance: '127.0.0.1:8080' };
  const collector = { job: 'otelcol', instance: '127.0.0.1:8888' };
  const series = new Map<string, Series>();
  const get = (family: string, type: Series['type'], labels: Record<string, string>): Series => {
    const key = `${family}${JSON.stringify(labels)}`;
    let found = series.get(key);
    if (!found) series.set(key, (found = { family, type, labels, samples: [] }));
    return found;
  };
  const totals = new Map<Series, number>();
  const add = (target: Series, increment: number): void => {
    const total = (totals.get(target) ?? 0) + increment;
    totals.set(target, total);
    target.samples.push(total);
  };

  let spool = 0;
  const steps = (2 * DAY) / SCRAPE_MS;
  for (let step = 0; step < steps; step++) {
    const t = step * SCRAPE_MS;
    const perScrape = (PEAK_EVENTS_PER_MINUTE * dailyRhythm(t % DAY) * (scenario.humans?.(t) ?? 1) * SCRAPE_MS) / MINUTE;
    const acceptedShare = scenario.accepted?.(t) ?? 1;
    const collectorFailing = scenario.collectorFailing?.(t) ?? false;
    let acceptedNow = 0;
    let otlpNow = 0;
    for (const [type, share] of Object.entries(EVENT_MIX)) {
      const browserCounted = count(perScrape * share);
      add(get('footfall_browser_events', 'counter', { ...ingest, site: SITE, type }), browserCounted);
      const accepted = Math.round(browserCounted * acceptedShare);
      // Which of them came through the Collector is itself random: thinning keeps it Poisson.
      const sentViaOtlp = Math.min(accepted, count(accepted * OTLP_SHARE));
      const viaOtlp = collectorFailing ? 0 : sentViaOtlp;
      const viaBeacon = accepted - sentViaOtlp;
      add(get('footfall_events_accepted', 'counter', { ...ingest, site: SITE, type, source: 'beacon' }), viaBeacon);
      add(get('footfall_events_accepted', 'counter', { ...ingest, site: SITE, type, source: 'otlp' }), viaOtlp);
      acceptedNow += viaBeacon + viaOtlp;
      otlpNow += sentViaOtlp;
    }
    const botMultiple = scenario.bots?.(t);
    for (const [reason, share] of Object.entries(NORMAL_REFUSALS)) {
      const mean = reason === 'bot' && botMultiple !== undefined ? perScrape * botMultiple : perScrape * share;
      add(get('footfall_events_refused', 'counter', { ...ingest, reason, source: 'beacon' }), count(mean));
    }

    const down = scenario.clickhouseDown?.(t) ?? false;
    const transient = scenario.transientWriteFailures?.some((at) => at >= t && at < t + SCRAPE_MS) ?? false;
    // Retries back off to one attempt every 15 s while ClickHouse is away.
    add(get('footfall_write_failures', 'counter', { ...ingest, table: 'events' }), down ? 2 : transient ? 1 : 0);
    // The write-ahead log holds a second's worth of events between batches; while ClickHouse is
    // down it keeps everything, and it drains in a few minutes once ClickHouse is back.
    if (down) spool += acceptedNow * SPOOL_BYTES_PER_EVENT;
    else spool = Math.max(0, spool - 4 * 1024 * 1024);
    const inFlight = count(acceptedNow / 30) * SPOOL_BYTES_PER_EVENT;
    get('footfall_spool_bytes', 'gauge', ingest).samples.push(spool + inFlight);

    const spans = otlpNow * SPANS_PER_OTLP_EVENT;
    add(get('otelcol_receiver_accepted_spans', 'counter', { ...collector, receiver: 'otlp', transport: 'http' }), spans);
    add(get('otelcol_exporter_sent_spans', 'counter', { ...collector, exporter: 'otlp_http/ingest' }), collectorFailing ? 0 : spans);
    add(get('otelcol_exporter_send_failed_spans', 'counter', { ...collector, exporter: 'otlp_http/ingest' }), collectorFailing ? spans : 0);
  }
  return [...series.values()];
}

/**
 * OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`: one family at a time,
 * each series' samples in time order, timestamps in seconds.
 */
export function toOpenMetrics(seriesList: Series[], startMs: number): string {
  const lines: string[] = [];
  const families = new Map<string, Series[]>();
  for (const series of seriesList) families.set(series.family, [...(families.get(series.family) ?? []), series]);
  for (const [family, members] of families) {
    lines.push(`# TYPE ${family} ${members[0]!.type}`);
    for (const series of members) {
      const name = series.type === 'counter' ? `${family}_total` : family;
      const labels = Object.entries(series.labels)
        .map(([key, value]) => `${key}="${value}"`)
        .join(',');
      series.samples.forEach((value, index) => {
        lines.push(`${name}{${labels}} ${value} ${(startMs + index * SCRAPE_MS) / 1000}`);
      });
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}
