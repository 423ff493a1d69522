// Labelled scenarios for the alert rules: fifteen days of the footfall_* series (and the
// Collector's) as Prometheus would have scraped them, for many sites at once. The first week is
// history the rules learn from; the second week and a day are evaluated. Each scenario owns its
// sites (per-site rules are judged on them alone) or, for the pipeline, a window of one day.
import mt19937 from '@stdlib/random-base-mt19937';
import poisson from '@stdlib/random-base-poisson';
import { closeSync, openSync, writeSync } from 'node:fs';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** Sample spacing of the generated series (the scrape interval they stand for). */
export const SCRAPE_MS = MINUTE;
/** Monday 5 January 2026, 00:00 UTC: day 0 of the timeline. */
export const TIMELINE_START = Date.UTC(2026, 0, 5);
export const TIMELINE_DAYS = 15;
/** Days 0-6 are history; 7 (a Monday) to 14 (the next Monday) are evaluated. */
export const FIRST_EVALUATED_DAY = 7;

/** Saturday and Sunday bring this share of a weekday's visits. */
const WEEKEND_LEVEL = 0.7;
/** Events a visit sends: 1 + a geometric number with mean 2 (a page view, a click or two...). */
const EXTRA_EVENTS_PER_VISIT = 2;
const EVENTS_PER_VISIT = 1 + EXTRA_EVENTS_PER_VISIT;
/** Share of events that arrive as OTLP spans through the Collector; the rest are beacons. */
const OTLP_SHARE = 0.1;
/** Normal refusals, as a share of human events: crawlers, and a little bad input. */
const NORMAL_REFUSALS: Record<string, number> = { bot: 0.03, invalid_field: 0.005, unknown_object: 0.002 };
const SPOOL_BYTES_PER_EVENT = 600;
const SPANS_PER_OTLP_EVENT = 3;

export interface Window {
  /** Times since the timeline's start. */
  start: number;
  end: number;
}

export interface Site {
  name: string;
  /** Events on an ordinary weekday. */
  eventsPerDay: number;
  /** Multiplies the site's usual level; `t` is the time since the timeline's start. */
  level?: (t: number) => number;
  /** Share of the events browsers count that the ingest service accepts (beacons lost otherwise). */
  accepted?: (t: number) => number;
  /** The site's first visit; nothing before. */
  startsAt?: number;
  /** Whether its pages load the OpenTelemetry tier, whose browsers report what they counted. */
  browserCounter?: boolean;
  /** Saturday's and Sunday's share of a weekday's visits, when not the usual 70 %. */
  weekendLevel?: number;
}

export interface Scenario {
  name: string;
  description: string;
  sites: Site[];
  /** Rules that must fire, each within the delay it promises (`detectWithin`). */
  expected: string[];
  anomaly?: Window;
  /** Rules that cannot see these sites, and why: they are excused from matching a series. */
  unwatched?: Record<string, string>;
  /** Bot events as a multiple of the whole human rate, instead of the normal 3 %. */
  bots?: (t: number) => number | undefined;
  clickhouseDown?: (t: number) => boolean;
  collectorFailing?: (t: number) => boolean;
  /** Isolated transient write failures. */
  transientWriteFailures?: number[];
  /** Rows ClickHouse refuses for their content, set aside by the pipeline. */
  quarantined?: Array<{ at: number; rows: number }>;
}

const at = (day: number, hours: number): number => day * DAY + hours * HOUR;
const between = (t: number, window: Window): boolean => t >= window.start && t < window.end;
const levelDuring = (window: Window, level: number) => (t: number) => (between(t, window) ? level : 1);
const window = (day: number, hours: number, minutes: number): Window => ({ start: at(day, hours), end: at(day, hours) + minutes * MINUTE });

const BUSY = 20_000;
const SMALL = 3_000;
const TINY = 100;
const TOO_QUIET_FOR_DROPS = { 'footfall-partial-drop': 'expects fewer than 600 events in any 30 minutes' };
const TOO_QUIET_TO_BREAK = { 'footfall-tracking-broken': 'expects fewer than 4.5 events a minute at any hour' };
const QUIET_SITE = { ...TOO_QUIET_FOR_DROPS, ...TOO_QUIET_TO_BREAK };
// Most sites here load only the tiny tracker, which counts nothing in the browser.
const NO_BROWSER_COUNTER = { 'footfall-browser-ingest-divergence': 'loads no OpenTelemetry tier, so browsers count nothing' };

// Named windows, so each scenario states its anomaly once.
const drop50 = window(8, 14, 60);
const drop25 = window(9, 11.5, 120);
const drop10 = window(10, 16, 45);
const dropSaturday = window(12, 14, 60);
const dropMonday = window(14, 13, 90);
const tinySpike = window(8, 15, 30);
const pairSpike = window(10, 15, 30);
const busySpike = window(10, 14, 40);
const smallSpike = window(11, 10, 30);
const broken = { start: at(9, 13), end: at(10, 0) };
const beaconsLost = window(11, 16, 30);
const holiday = { start: at(9, 0), end: at(10, 0) };
const outage = window(8, 15, 25);
const collectorDown = window(9, 10, 20);
const botBurst = window(10, 11, 20);
const quarantine = window(11, 12, 10);
const growingDrop = window(10, 14, 90);
const weekendSpike = window(12, 14, 40);
const mondayHoliday = { start: at(7, 0), end: at(8, 0) };
const brokenAfterHoliday = window(8, 20.5, 60);
const youngBrokenSaturday = window(12, 13, 60);
const youngBrokenMonday = window(14, 9, 60);
/** A weekday brings 2.5 times a weekend day's visits (an office tool, a B2B shop). */
const WEEKDAY_HEAVY = 0.4;
const WEEK = 7 * DAY;

export const SCENARIOS: Scenario[] = [
  {
    name: 'steady pipeline',
    description: 'the pipeline on a normal week: normal refusals, two isolated write failures',
    sites: [],
    expected: [],
    transientWriteFailures: [at(7, 9 + 7 / 60), at(12, 17 + 41 / 60)],
  },
  {
    name: 'steady busy site',
    description: `${BUSY} events a weekday, weekends at 70 %`,
    sites: [{ name: 'busy.example', eventsPerDay: BUSY, browserCounter: true }],
    expected: [],
  },
  {
    name: 'steady small site',
    description: `${SMALL} events a weekday`,
    sites: [{ name: 'small.example', eventsPerDay: SMALL }],
    expected: [],
    unwatched: TOO_QUIET_FOR_DROPS,
  },
  {
    name: 'steady tiny site',
    description: `${TINY} events a weekday, nights without a visit`,
    sites: [{ name: 'tiny.example', eventsPerDay: TINY, browserCounter: true }],
    expected: [],
    unwatched: QUIET_SITE,
  },
  {
    name: 'holiday dip',
    description: 'Wednesday of week 2 at 80 % all day (a public holiday)',
    sites: [{ name: 'holiday.example', eventsPerDay: BUSY, level: levelDuring(holiday, 0.8) }],
    expected: [],
  },
  {
    name: 'slow doubling',
    description: 'traffic doubling every two weeks',
    sites: [{ name: 'growing.example', eventsPerDay: 10_000, level: (t) => 2 ** (t / (14 * DAY)) }],
    expected: [],
  },
  {
    name: 'weekday-heavy sites',
    description:
      'weekdays at 2.5 times the weekend, one site old and one first seen on Wednesday of week 2; Mondays after a quiet weekend stay quiet',
    sites: [
      { name: 'office.example', eventsPerDay: BUSY, weekendLevel: WEEKDAY_HEAVY },
      { name: 'office-new.example', eventsPerDay: BUSY, weekendLevel: WEEKDAY_HEAVY, startsAt: at(9, 0) },
    ],
    expected: [],
    unwatched: { 'footfall-partial-drop': 'office-new.example has less than a week of history' },
  },
  {
    name: 'new site',
    description: 'first visit on Wednesday of week 2 at 12:00; no alert while it has less than a day of history',
    sites: [{ name: 'new.example', eventsPerDay: 8_000, startsAt: at(9, 12) }],
    expected: [],
    unwatched: { 'footfall-partial-drop': 'has less than a week of history' },
  },
  {
    name: 'two sites, a spike on the quiet one',
    description: 'a busy shop and a blog of 120 events a day on the same stack; the blog gets 10x for 30 minutes on Thursday at 15:00',
    sites: [
      { name: 'pair-shop.example', eventsPerDay: 15_000 },
      { name: 'pair-blog.example', eventsPerDay: 120, level: levelDuring(pairSpike, 10) },
    ],
    expected: ['footfall-traffic-spike'],
    anomaly: pairSpike,
    unwatched: QUIET_SITE,
  },
  {
    name: 'drop to 50 % for 1 h',
    description: 'Tuesday 14:00 on a busy site',
    sites: [{ name: 'drop50.example', eventsPerDay: BUSY, level: levelDuring(drop50, 0.5) }],
    expected: ['footfall-partial-drop'],
    anomaly: drop50,
  },
  {
    name: 'drop to 50 % on a site growing 30 % a week',
    description: 'Thursday 14:00 for 1 h 30 on a site whose traffic grows 30 % a week: last week alone would set the line too low',
    sites: [{ name: 'growing-drop.example', eventsPerDay: BUSY, level: (t) => 1.3 ** (t / WEEK) * levelDuring(growingDrop, 0.5)(t) }],
    expected: ['footfall-partial-drop'],
    anomaly: growingDrop,
  },
  {
    name: 'drop to 25 % for 2 h',
    description: 'Wednesday 11:30 on a busy site',
    sites: [{ name: 'drop25.example', eventsPerDay: BUSY, level: levelDuring(drop25, 0.25) }],
    expected: ['footfall-partial-drop'],
    anomaly: drop25,
  },
  {
    name: 'drop to 10 % for 45 min',
    description: 'Thursday 16:00 on a busy site',
    sites: [{ name: 'drop10.example', eventsPerDay: BUSY, level: levelDuring(drop10, 0.1) }],
    expected: ['footfall-partial-drop'],
    anomaly: drop10,
  },
  {
    name: 'drop to 25 % on a Saturday',
    description: 'Saturday 14:00 for 1 h, on top of the weekend dip',
    sites: [{ name: 'drop-saturday.example', eventsPerDay: BUSY, level: levelDuring(dropSaturday, 0.25) }],
    expected: ['footfall-partial-drop'],
    anomaly: dropSaturday,
  },
  {
    name: 'drop to 50 % on a Monday',
    description: 'Monday 13:00 for 1 h 30, after a weekend at 70 %',
    sites: [{ name: 'drop-monday.example', eventsPerDay: BUSY, level: levelDuring(dropMonday, 0.5) }],
    expected: ['footfall-partial-drop'],
    anomaly: dropMonday,
  },
  {
    name: '5x spike on a weekend day of a weekday-heavy site',
    description:
      'Saturday 14:00 for 40 minutes on a site whose weekdays bring 2.5 times the weekend: judged against Friday, it stays under the line',
    sites: [{ name: 'weekend-spike.example', eventsPerDay: BUSY, weekendLevel: WEEKDAY_HEAVY, level: levelDuring(weekendSpike, 5) }],
    expected: ['footfall-traffic-spike'],
    anomaly: weekendSpike,
  },
  {
    name: '20x spike on a tiny site',
    // Twenty times, not ten: ten times this site's afternoon is some 21 visits more in half an hour,
    // with a spread of about six, against a line at three times the larger of two looks at the past
    // (each 2 hours of a few dozen lumpy events, the larger above the mean) that sits near 17 visits:
    // a coin flip per seed, caught late or not at all, and flapping once over.
    description: `${TINY} events a day, twenty times its usual afternoon rate on Tuesday 15:00 for 30 minutes`,
    sites: [{ name: 'tiny-spike.example', eventsPerDay: TINY, level: levelDuring(tinySpike, 20) }],
    expected: ['footfall-traffic-spike'],
    anomaly: tinySpike,
    unwatched: QUIET_SITE,
  },
  {
    name: '5x spike on a busy site',
    description: 'Thursday 14:00 for 40 minutes',
    sites: [{ name: 'spike-busy.example', eventsPerDay: BUSY, level: levelDuring(busySpike, 5) }],
    expected: ['footfall-traffic-spike'],
    anomaly: busySpike,
  },
  {
    name: '10x spike on a small site in the morning',
    description: 'Friday 10:00 for 30 minutes',
    sites: [{ name: 'spike-small.example', eventsPerDay: SMALL, level: levelDuring(smallSpike, 10) }],
    expected: ['footfall-traffic-spike'],
    anomaly: smallSpike,
    unwatched: TOO_QUIET_FOR_DROPS,
  },
  {
    name: 'tracking broken',
    description: 'no event from Wednesday 13:00 to midnight on a busy site',
    sites: [{ name: 'broken.example', eventsPerDay: BUSY, level: levelDuring(broken, 0) }],
    expected: ['footfall-tracking-broken', 'footfall-partial-drop'],
    anomaly: broken,
  },
  {
    name: 'tracking broken the day after a holiday',
    description:
      'Monday of week 2 at 25 % all day (a holiday), then no event on Tuesday 20:30 for 1 h: the holiday alone would expect too few to tell, and Tuesday morning is four times the holiday without being a spike',
    sites: [
      {
        name: 'broken-after-holiday.example',
        eventsPerDay: BUSY,
        level: (t) => (between(t, brokenAfterHoliday) ? 0 : between(t, mondayHoliday) ? 0.25 : 1),
      },
    ],
    expected: ['footfall-tracking-broken'],
    anomaly: brokenAfterHoliday,
  },
  {
    name: 'tracking broken on a young site on a Saturday',
    description: 'first seen on Wednesday of week 2, no event on Saturday 13:00 for 1 h: with no Sunday before, the Friday sets the level',
    sites: [{ name: 'young-saturday.example', eventsPerDay: BUSY, startsAt: at(9, 0), level: levelDuring(youngBrokenSaturday, 0) }],
    expected: ['footfall-tracking-broken'],
    anomaly: youngBrokenSaturday,
    unwatched: { 'footfall-partial-drop': 'has less than a week of history' },
  },
  {
    name: 'tracking broken on a young weekday-heavy site on a Monday',
    description:
      'weekdays at 2.5 times the weekend, first seen on Wednesday of week 2, no event on Monday 09:00 for 1 h: judged against the Sunday, too few would be expected to tell',
    sites: [
      {
        name: 'office-monday.example',
        eventsPerDay: BUSY,
        weekendLevel: WEEKDAY_HEAVY,
        startsAt: at(9, 0),
        level: levelDuring(youngBrokenMonday, 0),
      },
    ],
    expected: ['footfall-tracking-broken'],
    anomaly: youngBrokenMonday,
    unwatched: { 'footfall-partial-drop': 'has less than a week of history' },
  },
  {
    name: 'beacons lost',
    description: 'Friday 16:00 for 30 minutes only 40 % of the events browsers count are accepted',
    sites: [{ name: 'beacons.example', eventsPerDay: BUSY, browserCounter: true, accepted: (t) => (between(t, beaconsLost) ? 0.4 : 1) }],
    expected: ['footfall-browser-ingest-divergence', 'footfall-partial-drop'],
    anomaly: beaconsLost,
  },
  {
    name: 'ClickHouse outage',
    description: 'ClickHouse unreachable on Tuesday 15:00 for 25 minutes: writes fail, the spool grows',
    sites: [],
    expected: ['footfall-write-failures', 'footfall-spool-growing'],
    anomaly: outage,
    clickhouseDown: (t) => between(t, outage),
  },
  {
    name: 'Collector export failing',
    description: 'the Collector cannot reach the ingest service on Wednesday 10:00 for 20 minutes',
    sites: [],
    expected: ['footfall-collector-export-failing'],
    anomaly: collectorDown,
    collectorFailing: (t) => between(t, collectorDown),
  },
  {
    name: '20x bot burst',
    description: 'bots at 20 times the human rate on Thursday 11:00 for 20 minutes, refused as bots',
    sites: [],
    expected: ['footfall-refusal-flood'],
    anomaly: botBurst,
    bots: (t) => (between(t, botBurst) ? 20 : undefined),
  },
  {
    name: 'rows quarantined',
    description: 'ClickHouse refuses 37 rows of one batch on Friday 12:00',
    sites: [],
    expected: ['footfall-rows-quarantined'],
    anomaly: quarantine,
    quarantined: [{ at: quarantine.start, rows: 37 }],
  },
];

/** Why a rule cannot see a site, or undefined when it must. */
export function unwatchedReason(scenario: Scenario, site: Site, rule: string): string | undefined {
  return scenario.unwatched?.[rule] ?? (site.browserCounter ? undefined : (NO_BROWSER_COUNTER as Record<string, string>)[rule]);
}

/** Share of the daily peak at a time of day: a smooth day with its peak at 15:00 UTC. */
export function dailyRhythm(timeOfDayMs: number): number {
  const hours = timeOfDayMs / HOUR;
  const wave = (1 + Math.cos((2 * Math.PI * (hours - 15)) / 24)) / 2;
  return 0.02 + 0.98 * wave ** 3;
}

// The rhythm's mean over a day, to turn "events a day" into a peak rate.
const RHYTHM_MEAN = Array.from({ length: 1440 }, (_, minute) => dailyRhythm(minute * MINUTE)).reduce((a, b) => a + b) / 1440;

/** A site's usual events per minute at time `t` (before its scenario's anomaly). */
export function usualPerMinute(site: Site, t: number): number {
  const weekday = Math.floor(t / DAY) % 7;
  const week = weekday >= 5 ? (site.weekendLevel ?? WEEKEND_LEVEL) : 1;
  return (site.eventsPerDay / 1440 / RHYTHM_MEAN) * dailyRhythm(t % DAY) * week;
}

export interface Series {
  family: string;
  type: 'counter' | 'gauge';
  labels: Record<string, string>;
  samples: number[];
  /** Index of the series' first scrape (0 unless the site starts later). */
  firstStep?: number;
}

/**
 * Every series of the timeline, one value per scrape, as cumulative counters and gauges; a site's
 * series begin at its first visit. Seeded, so every run sees the same noise. A site's accepted
 * events are one series: the rules sum over event types and sources.
 */
export function generateSeries(scenarios: Scenario[], seed: number): Series[] {
  const random = randomStream(seed);
  const { count } = random;
  const ingest = { job: 'ingest', instance: 'ingest:8080' };
  const collector = { job: 'otelcol', instance: 'collector:8888' };
  const all: Series[] = [];
  const counter = (family: string, labels: Record<string, string>): Series => {
    const series: Series = { family, type: 'counter', labels: { ...ingest, ...labels }, samples: [] };
    all.push(series);
    return series;
  };
  const sites = scenarios.flatMap((scenario) => scenario.sites);
  const siteSeries = sites.map((site) => ({
    site,
    accepted: counter('footfall_events_accepted', { site: site.name, type: 'page_view', source: 'beacon' }),
    browser: site.browserCounter ? counter('footfall_browser_events', { site: site.name, type: 'page_view', object: '' }) : undefined,
    totals: { accepted: 0, browser: 0 },
    // Each site draws from its own stream, so adding a scenario leaves the others' noise as it was.
    random: randomStream(seed + nameHash(site.name)),
  }));
  const refused = Object.keys(NORMAL_REFUSALS).map((reason) => ({
    reason,
    series: counter('footfall_events_refused', { reason, source: 'beacon' }),
    total: 0,
  }));
  const writeFailures = counter('footfall_write_failures', { table: 'events' });
  const quarantinedRows = counter('footfall_rows_quarantined', { table: 'events' });
  const spool: Series = { family: 'footfall_spool_bytes', type: 'gauge', labels: ingest, samples: [] };
  all.push(spool);
  const spans = (family: string, labels: Record<string, string>): Series => {
    const series: Series = { family, type: 'counter', labels: { ...collector, ...labels }, samples: [] };
    all.push(series);
    return series;
  };
  const received = spans('otelcol_receiver_accepted_spans', { receiver: 'otlp', transport: 'http' });
  const sent = spans('otelcol_exporter_sent_spans', { exporter: 'otlp_http/ingest' });
  const failed = spans('otelcol_exporter_send_failed_spans', { exporter: 'otlp_http/ingest' });
  const any = <T>(pick: (scenario: Scenario) => T | undefined): T[] =>
    scenarios.map(pick).filter((value): value is T => value !== undefined);
  const botRules = any((s) => s.bots);
  const downRules = any((s) => s.clickhouseDown);
  const collectorRules = any((s) => s.collectorFailing);
  const transients = scenarios.flatMap((s) => s.transientWriteFailures ?? []);
  const quarantines = scenarios.flatMap((s) => s.quarantined ?? []);

  const totals = { writeFailures: 0, quarantined: 0, received: 0, sent: 0, failed: 0 };
  let spoolBytes = 0;
  const steps = (TIMELINE_DAYS * DAY) / SCRAPE_MS;
  for (let step = 0; step < steps; step++) {
    const t = step * SCRAPE_MS;
    const collectorFailing = collectorRules.some((failing) => failing(t));
    let humans = 0;
    let acceptedNow = 0;
    let otlpNow = 0;
    for (const entry of siteSeries) {
      const { site } = entry;
      if (site.startsAt !== undefined && t < site.startsAt) continue;
      const mean = usualPerMinute(site, t) * (site.level?.(t) ?? 1) * (SCRAPE_MS / MINUTE);
      humans += mean;
      const counted = entry.random.events(mean);
      const delivered = Math.round(counted * (site.accepted?.(t) ?? 1));
      // Which of them came through the Collector is itself random: thinning keeps it Poisson.
      const viaOtlp = Math.min(delivered, entry.random.count(delivered * OTLP_SHARE));
      const accepted = collectorFailing ? delivered - viaOtlp : delivered;
      entry.totals.browser += counted;
      entry.totals.accepted += accepted;
      entry.browser?.samples.push(entry.totals.browser);
      entry.accepted.samples.push(entry.totals.accepted);
      acceptedNow += accepted;
      otlpNow += viaOtlp;
    }
    const botMultiple = botRules.map((bots) => bots(t)).find((value) => value !== undefined);
    for (const entry of refused) {
      const share = entry.reason === 'bot' && botMultiple !== undefined ? botMultiple : NORMAL_REFUSALS[entry.reason]!;
      entry.total += count(humans * share);
      entry.series.samples.push(entry.total);
    }
    const down = downRules.some((isDown) => isDown(t));
    const transient = transients.some((time) => time >= t && time < t + SCRAPE_MS);
    // Retries back off to one attempt every 15 s while ClickHouse is away.
    totals.writeFailures += down ? 4 : transient ? 1 : 0;
    writeFailures.samples.push(totals.writeFailures);
    totals.quarantined += quarantines.filter((q) => q.at >= t && q.at < t + SCRAPE_MS).reduce((sum, q) => sum + q.rows, 0);
    quarantinedRows.samples.push(totals.quarantined);
    // The write-ahead log holds a second's worth of events between batches; while ClickHouse is
    // down it keeps everything, and it drains in a few minutes once ClickHouse is back.
    if (down) spoolBytes += acceptedNow * SPOOL_BYTES_PER_EVENT;
    else spoolBytes = Math.max(0, spoolBytes - 8 * 1024 * 1024);
    spool.samples.push(spoolBytes + count(acceptedNow / 60) * SPOOL_BYTES_PER_EVENT);
    const otlpSpans = otlpNow * SPANS_PER_OTLP_EVENT;
    totals.received += otlpSpans;
    totals.sent += collectorFailing ? 0 : otlpSpans;
    totals.failed += collectorFailing ? otlpSpans : 0;
    received.samples.push(totals.received);
    sent.samples.push(totals.sent);
    failed.samples.push(totals.failed);
  }
  // A site's series start at its first visit: mark where, for the writer.
  for (const entry of siteSeries) {
    const first = entry.site.startsAt === undefined ? 0 : Math.ceil(entry.site.startsAt / SCRAPE_MS);
    entry.accepted.firstStep = first;
    if (entry.browser) entry.browser.firstStep = first;
  }
  return all;
}

/** Seeded Poisson counts, and events that come in visits of a few each. */
function randomStream(seed: number) {
  const draw = poisson.factory({ seed });
  const nextUint32 = mt19937.factory({ seed: seed + 1 });
  const uniform = (): number => nextUint32() / 2 ** 32;
  const count = (mean: number): number => (mean > 0 ? draw(mean) : 0);
  // Events come in visits: a quiet site's traffic is lumpier than single events would be.
  const events = (mean: number): number => {
    let total = 0;
    for (let visits = count(mean / EVENTS_PER_VISIT); visits > 0; visits--) {
      total += 1 + Math.floor(Math.log(1 - uniform()) / Math.log(EXTRA_EVENTS_PER_VISIT / EVENTS_PER_VISIT));
    }
    return total;
  };
  return { count, events };
}

/** A stable number from a site's name (FNV-1a), to seed its own stream. */
function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash % 1_000_000_000;
}

/**
 * Writes OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`: one family at a
 * time, each series' samples in time order, timestamps in seconds. Streamed to the file, since
 * the timeline is a million samples.
 */
export function writeOpenMetrics(file: string, seriesList: Series[], startMs: number): void {
  const fd = openSync(file, 'w');
  try {
    const families = new Map<string, Series[]>();
    for (const series of seriesList) families.set(series.family, [...(families.get(series.family) ?? []), series]);
    for (const [family, members] of families) {
      writeSync(fd, `# TYPE ${family} ${members[0]!.type}\n`);
      for (const series of members) {
        const name = series.type === 'counter' ? `${family}_total` : family;
        const labels = Object.entries(series.labels)
          .map(([key, value]) => `${key}="${value}"`)
          .join(',');
        const first = series.firstStep ?? 0;
        const lines: string[] = [];
        series.samples.forEach((value, index) => {
          lines.push(`${name}{${labels}} ${value} ${(startMs + (first + index) * SCRAPE_MS) / 1000}`);
        });
        writeSync(fd, `${lines.join('\n')}\n`);
      }
    }
    writeSync(fd, '# EOF\n');
  } finally {
    closeSync(fd);
  }
}
