// The alert rules as Grafana will load them, and the recording rules as Prometheus will: read
// back from the rendered provisioning files, so tests evaluate exactly what is provisioned,
// threshold stage included.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { durationMs, type Threshold } from './alert-evaluation.js';

const RULES_FILE = new URL('../../../provisioning/alerting/rules.yaml', import.meta.url);
export const RECORDING_RULES_FILE = new URL('../../../provisioning/prometheus/footfall-rules.yml', import.meta.url);

export interface ProvisionedRule {
  uid: string;
  forMs: number;
  /** The PromQL query the threshold stage judges. */
  expr: string;
  threshold: Threshold;
}

interface QueryModel {
  expr?: string;
  type?: string;
  expression?: string;
  conditions?: Array<{ evaluator: { type: string; params: number[] } }>;
}
interface RuleFile {
  groups: Array<{
    interval: string;
    rules: Array<{ uid: string; for: string; condition: string; data: Array<{ refId: string; model: QueryModel }> }>;
  }>;
}

export function provisionedRules(): { rules: ProvisionedRule[]; stepMs: number } {
  const file = parse(readFileSync(RULES_FILE, 'utf8')) as RuleFile;
  const group = file.groups[0]!;
  const rules = group.rules.map((rule) => {
    const condition = rule.data.find((query) => query.refId === rule.condition)?.model;
    if (condition?.type !== 'threshold') throw new Error(`rule ${rule.uid}: its condition ${rule.condition} is not a threshold stage`);
    const evaluator = condition.conditions?.[0]?.evaluator;
    if (!evaluator || (evaluator.type !== 'gt' && evaluator.type !== 'lt') || evaluator.params.length !== 1) {
      throw new Error(`rule ${rule.uid}: unsupported threshold ${JSON.stringify(evaluator)}`);
    }
    const expr = rule.data.find((query) => query.refId === condition.expression)?.model.expr;
    if (!expr) throw new Error(`rule ${rule.uid}: the threshold judges ${condition.expression}, which is no PromQL query`);
    return {
      uid: rule.uid,
      forMs: durationMs(rule.for),
      expr,
      threshold: { type: evaluator.type, value: evaluator.params[0]! } as Threshold,
    };
  });
  return { rules, stepMs: durationMs(group.interval) };
}

/** Record names of the Prometheus recording rules. */
export function recordedSeries(): string[] {
  const file = parse(readFileSync(RECORDING_RULES_FILE, 'utf8')) as { groups: Array<{ rules: Array<{ record: string }> }> };
  return file.groups.flatMap((group) => group.rules.map((rule) => rule.record));
}
