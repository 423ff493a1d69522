// The provisioned alert rules, evaluated on labelled traffic scenarios by a real Prometheus.
// Fifteen days of many sites are backfilled with promtool, the provisioned recording rules (each
// site's expected level) are backfilled from them with promtool too, and every alert rule's query
// is read from the provisioned rule file, evaluated every minute over the last eight days with
// `query_range`, and judged through the rule's own threshold stage and `for`.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolPath } from '@footfall/stack';
import { EXPECTED_RATE_WEEKLY } from '../src/alerting/expected-level.js';
import { alertRule } from '../src/alerting/rules.js';
import { durationMs, firings, type Firing } from './support/alert-evaluation.js';
import { queryRange, startPrometheus, type PrometheusServer, type RangeSeries } from './support/prometheus-server.js';
import { provisionedRules, RECORDING_RULES_FILE, recordedSeries, type ProvisionedRule } from './support/provisioned-rules.js';
import {
  DAY,
  FIRST_EVALUATED_DAY,
  generateSeries,
  HOUR,
  MINUTE,
  SCENARIOS,
  TIMELINE_DAYS,
  TIMELINE_START,
  unwatchedReason,
  usualPerMinute,
  writeOpenMetrics,
  type Scenario,
} from './support/traffic-scenarios.js';

const run = promisify(execFile);
// The noise is seeded so every run sees the same data; set FOOTFALL_SCENARIO_SEED to try other noise.
const SEED = Number(process.env.FOOTFALL_SCENARIO_SEED ?? 1000);
// An expected alert that starts firing this long after its anomaly ended counts as a false alarm.
const GRACE_AFTER_ANOMALY = 15 * MINUTE;
const EVALUATED_FROM = TIMELINE_START + FIRST_EVALUATED_DAY * DAY;
const EVALUATED_TO = TIMELINE_START + TIMELINE_DAYS * DAY;
/**
 * Evaluated days whose recorded weekly level is held to the growing sites' real level: Friday to
 * Sunday, after the growing site's drop, summed so one day's noise in the growth factor (a median of
 * twelve 2-hour windows, the night's few events among them) does not decide alone.
 */
const GROWTH_CHECK_FROM_DAY = 4;
const GROWTH_CHECK_DAYS = 3;
const GROWTH_TOLERANCE = 0.05;
/** The scenario that answers for the pipeline-wide rules' false alarms. */
const PIPELINE_SCENARIO = SCENARIOS.find((scenario) => scenario.sites.length === 0 && scenario.expected.length === 0)!;

interface Outcome {
  scenario: Scenario;
  rule: string;
  detectedAfterMs?: number;
  falseAlarms: Firing[];
}

const siteOwner = new Map(SCENARIOS.flatMap((scenario) => scenario.sites.map((site) => [site.name, scenario] as const)));

describe('alert rules on traffic scenarios', () => {
  const { rules, stepMs } = provisionedRules();
  let workDir: string;
  let prometheus: PrometheusServer | undefined;
  const outcomes: Outcome[] = [];
  /** Per rule: the sites its query returned a value for, and whether it returned any site-less series. */
  const matched = new Map<string, { sites: Set<string>; siteless: number }>();
  const recorded = new Map<string, number>();
  const stages: string[] = [];

  beforeAll(async () => {
    const started = Date.now();
    const stage = (name: string): void => void stages.push(`${name} ${((Date.now() - started) / 1000).toFixed(0)} s`);
    workDir = mkdtempSync(join(tmpdir(), 'footfall-alert-scenarios-'));
    const tsdb = join(workDir, 'tsdb');
    const metricsFile = join(workDir, 'timeline.om');
    writeOpenMetrics(metricsFile, generateSeries(SCENARIOS, SEED), TIMELINE_START);
    await run(
      toolPath('promtool'), // One block for the whole timeline: with the default 2-hour blocks promtool re-reads the
      // file once per block (180 times here).
      ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', `--max-block-duration=${TIMELINE_DAYS * 24 + 24}h`, metricsFile, tsdb],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    rmSync(metricsFile);
    stage('raw series backfilled');

    // Prometheus records only as time passes; for the past, promtool evaluates the provisioned
    // recording rules against the running server and writes blocks, which a restart loads.
    prometheus = await startPrometheus({ dataDir: workDir });
    const rulesOut = join(workDir, 'recorded');
    await run(
      toolPath('promtool'),
      [
        'tsdb',
        'create-blocks-from',
        'rules',
        `--start=${EVALUATED_FROM / 1000 - 3600}`,
        `--end=${EVALUATED_TO / 1000}`,
        `--url=${prometheus.url}`,
        `--output-dir=${rulesOut}`,
        `--eval-interval=${stepMs / 1000}s`,
        RECORDING_RULES_FILE.pathname,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    await prometheus.stop();
    for (const block of readdirSync(rulesOut)) renameSync(join(rulesOut, block), join(tsdb, block));
    prometheus = await startPrometheus({ dataDir: workDir });
    stage('recording rules backfilled');

    for (const name of recordedSeries()) {
      const days = await evaluateDays(prometheus.url, name, stepMs);
      recorded.set(name, new Set(days.map((series) => series.metric.site)).size);
    }
    for (const rule of rules) {
      const result = await evaluateDays(prometheus.url, rule.expr, stepMs);
      matched.set(rule.uid, {
        sites: new Set(result.flatMap((series) => (series.metric.site ? [series.metric.site] : []))),
        siteless: result.filter((series) => !series.metric.site).length,
      });
      judge(rule, firings(result, rule.threshold, rule.forMs, stepMs), outcomes);
    }
    stage('alert rules evaluated');
    printReport(rules, outcomes);
    console.log(`stages: ${stages.join(', ')}`);
  }, 900_000);

  afterAll(async () => {
    await prometheus?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('records an expected level for every site that has a day of history', () => {
    const sites = SCENARIOS.flatMap((scenario) => scenario.sites);
    // Every site has a day of history before the last evaluated day; the weekly estimate needs a week.
    expect(recorded.get('site:footfall_events_accepted:expected_rate')).toBe(sites.length);
    expect(recorded.get('site:footfall_events_accepted:expected_rate_weekly')).toBe(
      sites.filter((site) => site.startsAt === undefined).length,
    );
    expect(recorded.get('site:footfall_events_accepted:expected_rate_high')).toBe(sites.length);
  });

  // The weekly level is last week's scaled by the growth since: on a site growing 30 % a week it
  // must follow the real level, not stay a week behind (77 % of it, as when the growth factor
  // scaled the existence guard instead of the rate).
  for (const name of ['growing-drop.example', 'growing.example']) {
    it(`records a weekly expected level that follows ${name}'s growth within ${GROWTH_TOLERANCE * 100} %`, async () => {
      const site = SCENARIOS.flatMap((scenario) => scenario.sites).find((candidate) => candidate.name === name)!;
      const from = EVALUATED_FROM + GROWTH_CHECK_FROM_DAY * DAY;
      const to = from + GROWTH_CHECK_DAYS * DAY;
      const [series] = await queryRange(prometheus!.url, `60 * ${EXPECTED_RATE_WEEKLY}{site="${name}"}`, from, to - MINUTE, MINUTE / 1000);
      expect(series?.values).toHaveLength((to - from) / MINUTE);
      const recorded = series!.values.reduce((sum, [, value]) => sum + Number(value), 0);
      let real = 0;
      for (let t = from - TIMELINE_START; t < to - TIMELINE_START; t += MINUTE) real += usualPerMinute(site, t) * (site.level?.(t) ?? 1);
      const ratio = recorded / real;
      expect(ratio, `recorded / real level ${ratio.toFixed(3)}`).toBeGreaterThan(1 - GROWTH_TOLERANCE);
      expect(ratio, `recorded / real level ${ratio.toFixed(3)}`).toBeLessThan(1 + GROWTH_TOLERANCE);
    });
  }

  it('judges every provisioned rule through its own threshold stage', () => {
    expect(rules.map((rule) => rule.uid).sort()).toEqual(
      [
        'footfall-browser-ingest-divergence',
        'footfall-collector-export-failing',
        'footfall-partial-drop',
        'footfall-refusal-flood',
        'footfall-rows-quarantined',
        'footfall-spool-growing',
        'footfall-tracking-broken',
        'footfall-traffic-spike',
        'footfall-write-failures',
      ].sort(),
    );
    expect(outcomes).toHaveLength(rules.length * SCENARIOS.length);
  });

  it('matches a series with every rule, so "no alert" is never "no data"', () => {
    for (const rule of rules) {
      const seen = matched.get(rule.uid)!;
      expect(seen.sites.size + seen.siteless, rule.uid).toBeGreaterThan(0);
      if (seen.sites.size === 0) continue;
      // A per-site rule must see every site of every scenario, unless the scenario says why not.
      const unseen = SCENARIOS.flatMap((scenario) =>
        scenario.sites.filter((site) => !seen.sites.has(site.name) && !unwatchedReason(scenario, site, rule.uid)).map((site) => site.name),
      );
      expect(unseen, rule.uid).toEqual([]);
    }
  });

  for (const scenario of SCENARIOS) {
    const title =
      scenario.expected.length === 0
        ? `stays quiet on "${scenario.name}" (${scenario.description})`
        : `catches "${scenario.name}" with ${scenario.expected.join(', ')} in time and nothing else (${scenario.description})`;
    it(title, () => {
      for (const uid of scenario.expected) {
        const outcome = outcomes.find((o) => o.scenario === scenario && o.rule === uid);
        expect(outcome?.detectedAfterMs, `${uid} on ${scenario.name}`).toBeDefined();
        expect(outcome!.detectedAfterMs!, `${uid} delay on ${scenario.name}`).toBeLessThanOrEqual(durationMs(alertRule(uid).detectWithin));
      }
      const alarms = outcomes.filter((o) => o.scenario === scenario && o.falseAlarms.length > 0);
      expect(alarms.map((o) => `${o.rule} at ${o.falseAlarms.map(describeFiring).join(', ')}`)).toEqual([]);
    });
  }

  it('gives every rule at least one scenario that must fire it', () => {
    const covered = new Set(SCENARIOS.flatMap((scenario) => scenario.expected));
    expect(rules.map((rule) => rule.uid).filter((uid) => !covered.has(uid))).toEqual([]);
  });
});

/** Evaluates a query every step over the evaluated days, a day per request (the API caps points). */
async function evaluateDays(url: string, expr: string, stepMs: number): Promise<RangeSeries[]> {
  const bySeries = new Map<string, RangeSeries>();
  for (let day = EVALUATED_FROM; day < EVALUATED_TO; day += DAY) {
    for (const series of await queryRange(url, expr, day, day + DAY - stepMs, stepMs / 1000)) {
      const key = JSON.stringify(series.metric);
      const known = bySeries.get(key);
      if (known) known.values.push(...series.values);
      else bySeries.set(key, { metric: series.metric, values: [...series.values] });
    }
  }
  return [...bySeries.values()];
}

/** Sorts each firing into a detection of its scenario's anomaly or a false alarm. */
function judge(rule: ProvisionedRule, episodes: Firing[], outcomes: Outcome[]): void {
  const mine = new Map(SCENARIOS.map((scenario) => [scenario, { scenario, rule: rule.uid, falseAlarms: [] } as Outcome]));
  for (const episode of episodes) {
    const site = episode.labels.site;
    const candidates = site ? [siteOwner.get(site)!] : SCENARIOS.filter((scenario) => scenario.sites.length === 0);
    const owner =
      candidates.find((scenario) => {
        const anomaly = scenario.anomaly;
        return anomaly && scenario.expected.includes(rule.uid) && inWindow(episode.start, anomaly);
      }) ?? (site ? candidates[0]! : PIPELINE_SCENARIO);
    const outcome = mine.get(owner)!;
    if (owner.anomaly && owner.expected.includes(rule.uid) && inWindow(episode.start, owner.anomaly)) {
      outcome.detectedAfterMs ??= episode.start - (TIMELINE_START + owner.anomaly.start);
    } else outcome.falseAlarms.push(episode);
  }
  outcomes.push(...mine.values());
}

function inWindow(time: number, anomaly: { start: number; end: number }): boolean {
  return time >= TIMELINE_START + anomaly.start && time <= TIMELINE_START + anomaly.end + GRACE_AFTER_ANOMALY;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
function clock(time: number): string {
  const offset = time - TIMELINE_START;
  const day = Math.floor(offset / DAY);
  const minutes = Math.floor((offset % DAY) / MINUTE);
  return `${WEEKDAYS[day % 7]} day ${day} ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function describeFiring(episode: Firing): string {
  return `${clock(episode.start)} for ${Math.round((episode.end - episode.start) / MINUTE)} min${episode.labels.site ? ` (${episode.labels.site})` : ''}`;
}

/** Hours of the clock during which a false alarm was firing. */
function falseAlarmHours(episodes: Firing[]): number {
  const hours = new Set<number>();
  for (const episode of episodes) {
    for (let hour = Math.floor(episode.start / HOUR); hour * HOUR < episode.end; hour++) hours.add(hour);
  }
  return hours.size;
}

function printReport(rules: ProvisionedRule[], outcomes: Outcome[]): void {
  const lines = [
    '',
    `alert rules on traffic scenarios (days ${FIRST_EVALUATED_DAY}-${TIMELINE_DAYS - 1}, evaluated every minute, seed ${SEED})`,
  ];
  lines.push(`${'rule'.padEnd(36)} ${'caught'.padEnd(7)} ${'missed'.padEnd(7)} ${'false-alarm hours'.padEnd(18)} delays`);
  for (const rule of rules) {
    const mine = outcomes.filter((o) => o.rule === rule.uid);
    const expected = mine.filter((o) => o.scenario.expected.includes(rule.uid));
    const caught = expected.filter((o) => o.detectedAfterMs !== undefined);
    const hours = falseAlarmHours(mine.flatMap((o) => o.falseAlarms));
    const delays = caught.map((o) => `${o.scenario.name}: ${(o.detectedAfterMs! / MINUTE).toFixed(0)} min`).join('; ');
    lines.push(
      `${rule.uid.padEnd(36)} ${String(caught.length).padEnd(7)} ${String(expected.length - caught.length).padEnd(7)} ${String(hours).padEnd(18)} ${delays}`,
    );
  }
  for (const outcome of outcomes.filter((o) => o.falseAlarms.length > 0)) {
    lines.push(`  false alarm: ${outcome.rule} on "${outcome.scenario.name}" at ${outcome.falseAlarms.map(describeFiring).join(', ')}`);
  }
  for (const outcome of outcomes.filter((o) => o.scenario.expected.includes(o.rule) && o.detectedAfterMs === undefined)) {
    lines.push(`  missed: ${outcome.rule} on "${outcome.scenario.name}"`);
  }
  console.log(lines.join('\n'));
}
