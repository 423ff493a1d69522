// The provisioned alert rules, evaluated on labelled traffic scenarios by a real Prometheus.
// The scenarios are backfilled with promtool; every expression is read from the provisioned rule
// file, evaluated every minute over day 2 of each scenario, and run through Grafana's
// Pending -> Firing logic with the rule's own `for`.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolPath } from '@footfall/stack';
import { firingStarts } from './support/alert-evaluation.js';
import { queryRange, startPrometheus, type PrometheusServer } from './support/prometheus-server.js';
import { provisionedRules, type ProvisionedRule } from './support/provisioned-rules.js';
import { DAY, generateSeries, MINUTE, SCENARIOS, toOpenMetrics, type Scenario } from './support/traffic-scenarios.js';

const run = promisify(execFile);
const FIRST_SCENARIO_START = Date.UTC(2026, 0, 5);
// Three days per scenario: two of data, one empty, so no rule looking back a day ever sees
// the previous scenario.
const SCENARIO_SPACING = 3 * DAY;
const MAX_DELAY = 10 * MINUTE;
// The noise is seeded so every run sees the same data; set FOOTFALL_SCENARIO_SEED to try other noise.
const SEED = Number(process.env.FOOTFALL_SCENARIO_SEED ?? 1000);
// An expected alert that fires this long after its anomaly ended counts as a false alarm.
const GRACE_AFTER_ANOMALY = 15 * MINUTE;

interface Outcome {
  scenario: Scenario;
  rule: string;
  detectedAfterMs?: number;
  falseAlarms: number[];
}

const scenarioStart = (index: number): number => FIRST_SCENARIO_START + index * SCENARIO_SPACING;

describe('alert rules on traffic scenarios', () => {
  const { rules, stepMs } = provisionedRules();
  let workDir: string;
  let prometheus: PrometheusServer;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'footfall-alert-scenarios-'));
    const promtool = toolPath('promtool');
    for (const [index, scenario] of SCENARIOS.entries()) {
      const file = join(workDir, `scenario-${index}.om`);
      writeFileSync(file, toOpenMetrics(generateSeries(scenario, SEED + index), scenarioStart(index)));
      await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, join(workDir, 'tsdb')], {
        maxBuffer: 64 * 1024 * 1024,
      });
      rmSync(file);
    }
    prometheus = await startPrometheus({ dataDir: workDir });

    for (const [index, scenario] of SCENARIOS.entries()) {
      const day2 = scenarioStart(index) + DAY;
      for (const rule of rules) {
        const result = await queryRange(prometheus.url, rule.expr, day2, day2 + DAY - stepMs, stepMs / 1000);
        const starts = firingStarts(result, rule.forMs, stepMs).map((time) => time - day2);
        const outcome: Outcome = { scenario, rule: rule.uid, falseAlarms: [] };
        const expected = scenario.expected.includes(rule.uid);
        for (const start of starts) {
          const anomaly = scenario.anomaly;
          const inWindow = expected && anomaly && start >= anomaly.start && start <= anomaly.end + GRACE_AFTER_ANOMALY;
          if (inWindow) outcome.detectedAfterMs ??= start - anomaly.start;
          else outcome.falseAlarms.push(start);
        }
        outcomes.push(outcome);
      }
    }
    printReport(rules, outcomes);
  }, 600_000);

  afterAll(async () => {
    await prometheus?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('evaluates every provisioned rule on every scenario', () => {
    expect(rules.length).toBeGreaterThanOrEqual(7);
    expect(outcomes).toHaveLength(rules.length * SCENARIOS.length);
  });

  for (const scenario of SCENARIOS) {
    if (scenario.expected.length === 0) {
      it(`stays quiet on "${scenario.name}" (${scenario.description})`, () => {
        const alarms = outcomes.filter((o) => o.scenario === scenario && o.falseAlarms.length > 0);
        expect(alarms.map((o) => `${o.rule} at ${o.falseAlarms.map(clock).join(', ')}`)).toEqual([]);
      });
    } else {
      it(`catches "${scenario.name}" within 10 minutes and nothing else (${scenario.description})`, () => {
        for (const rule of scenario.expected) {
          const outcome = outcomes.find((o) => o.scenario === scenario && o.rule === rule);
          expect(outcome?.detectedAfterMs, `${rule} on ${scenario.name}`).toBeDefined();
          expect(outcome!.detectedAfterMs!, `${rule} delay on ${scenario.name}`).toBeLessThanOrEqual(MAX_DELAY);
        }
        const alarms = outcomes.filter((o) => o.scenario === scenario && o.falseAlarms.length > 0);
        expect(alarms.map((o) => `${o.rule} at ${o.falseAlarms.map(clock).join(', ')}`)).toEqual([]);
      });
    }
  }

  it('gives every rule at least one scenario that must fire it', () => {
    const covered = new Set(SCENARIOS.flatMap((scenario) => scenario.expected));
    expect(rules.map((rule) => rule.uid).filter((uid) => !covered.has(uid))).toEqual([]);
  });
});

function clock(offsetMs: number): string {
  const minutes = Math.round(offsetMs / MINUTE);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function printReport(rules: ProvisionedRule[], outcomes: Outcome[]): void {
  const lines = ['', `alert rules on traffic scenarios (day 2 of each, evaluated every minute, seed ${SEED})`];
  lines.push(`${'rule'.padEnd(36)} ${'detections'.padEnd(12)} ${'false alarms'.padEnd(13)} delays`);
  for (const rule of rules) {
    const mine = outcomes.filter((o) => o.rule === rule.uid);
    const expected = mine.filter((o) => o.scenario.expected.includes(rule.uid));
    const detected = expected.filter((o) => o.detectedAfterMs !== undefined);
    const falseAlarms = mine.reduce((sum, o) => sum + o.falseAlarms.length, 0);
    const delays = detected.map((o) => `${o.scenario.name}: ${(o.detectedAfterMs! / MINUTE).toFixed(0)} min`).join('; ');
    lines.push(`${rule.uid.padEnd(36)} ${`${detected.length}/${expected.length}`.padEnd(12)} ${String(falseAlarms).padEnd(13)} ${delays}`);
  }
  for (const outcome of outcomes.filter((o) => o.falseAlarms.length > 0)) {
    lines.push(`  false alarm: ${outcome.rule} on "${outcome.scenario.name}" at ${outcome.falseAlarms.map(clock).join(', ')}`);
  }
  console.log(lines.join('\n'));
}
