// The alert rules as Grafana will load them: read back from the rendered provisioning file, so
// tests evaluate exactly the provisioned expressions.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { durationMs } from './alert-evaluation.js';

const RULES_FILE = new URL('../../../provisioning/alerting/rules.yaml', import.meta.url);

export interface ProvisionedRule {
  uid: string;
  forMs: number;
  expr: string;
}

interface RuleFile {
  groups: Array<{ interval: string; rules: Array<{ uid: string; for: string; data: Array<{ refId: string; model: { expr?: string } }> }> }>;
}

export function provisionedRules(): { rules: ProvisionedRule[]; stepMs: number } {
  const file = parse(readFileSync(RULES_FILE, 'utf8')) as RuleFile;
  const group = file.groups[0]!;
  const rules = group.rules.map((rule) => {
    const expr = rule.data.find((query) => query.refId === 'A')?.model.expr;
    if (!expr) throw new Error(`rule ${rule.uid} has no PromQL query A`);
    return { uid: rule.uid, forMs: durationMs(rule.for), expr };
  });
  return { rules, stepMs: durationMs(group.interval) };
}
