// Every alert contact point is optional and at least one is required: the Grafana service's
// entrypoint keeps the rendered file of each channel whose variable is set and refuses to start
// when none is. The script runs here with bash on a copy of the repository's provisioning folder
// (Grafana itself is not run: what it would load is what this test reads).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONTACT_POINTS_DIR, contactPointChannels } from '../src/alerting/provisioning.js';

const run = promisify(execFile);
const provisioning = fileURLToPath(new URL('../../provisioning', import.meta.url));
const script = join(provisioning, 'alerting/contact-points/grafana-entrypoint.sh');
const VARIABLES = ['FOOTFALL_ALERT_WEBHOOK_URL', 'FOOTFALL_ALERT_EMAIL'];

interface ContactPointsFile {
  contactPoints: Array<{ name: string; receivers: Array<{ uid: string; type: string; settings: Record<string, unknown> }> }>;
}
interface PoliciesFile {
  policies: Array<{ receiver: string; routes?: Array<{ receiver: string }> }>;
}

const workDir = mkdtempSync(join(tmpdir(), 'footfall-contact-points-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface Start {
  code: number;
  stdout: string;
  stderr: string;
  /** Whether the script went on to start Grafana (here: a command that leaves a file). */
  started: boolean;
  target: string;
}

let runs = 0;
/** Runs the entrypoint with these alert variables and `touch <marker>` in place of Grafana. */
async function start(env: Record<string, string>): Promise<Start> {
  const dir = join(workDir, String(runs++));
  const target = join(dir, 'provisioning');
  const marker = join(dir, 'grafana-started');
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !VARIABLES.includes(name)));
  try {
    const { stdout, stderr } = await run('bash', [script, 'touch', marker], {
      env: { ...base, FOOTFALL_PROVISIONING_SOURCE: provisioning, GF_PATHS_PROVISIONING: target, ...env },
    });
    return { code: 0, stdout, stderr, started: existsSync(marker), target };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, started: existsSync(marker), target };
  }
}

/** The contact points Grafana would provision from the alerting folder the script prepared. */
function provisionedContactPoints(target: string): ContactPointsFile['contactPoints'] {
  const alerting = join(target, 'alerting');
  return readdirSync(alerting)
    .filter((name) => name.startsWith('contact-points'))
    .flatMap((name) => (parse(readFileSync(join(alerting, name), 'utf8')) as ContactPointsFile).contactPoints);
}

const policyReceivers = (target: string): string[] => {
  const policies = parse(readFileSync(join(target, 'alerting/notification-policies.yaml'), 'utf8')) as PoliciesFile;
  return policies.policies.flatMap((policy) => [policy.receiver, ...(policy.routes ?? []).map((route) => route.receiver)]);
};

/** Receiver types by contact point name, e.g. { 'footfall-page': ['email', 'webhook'] }. */
const byName = (points: ContactPointsFile['contactPoints']): Record<string, string[]> => {
  const merged: Record<string, string[]> = {};
  for (const point of points) merged[point.name] = [...(merged[point.name] ?? []), ...point.receivers.map((r) => r.type)].sort();
  return merged;
};

describe('alert contact points', () => {
  it('refuses to start Grafana when no contact point is set, and says which variables to set', async () => {
    const unset: Array<Record<string, string>> = [{}, { FOOTFALL_ALERT_WEBHOOK_URL: '', FOOTFALL_ALERT_EMAIL: '' }];
    for (const env of unset) {
      const result = await start(env);
      expect(result.code).toBe(78);
      expect(result.stderr).toContain('set FOOTFALL_ALERT_WEBHOOK_URL or FOOTFALL_ALERT_EMAIL');
      expect(result.started).toBe(false);
      expect(existsSync(result.target)).toBe(false);
    }
  });

  it('with only a webhook, pages and everything else go to the webhook', async () => {
    const result = await start({ FOOTFALL_ALERT_WEBHOOK_URL: 'https://hooks.example/footfall' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.started).toBe(true);
    expect(byName(provisionedContactPoints(result.target))).toEqual({ 'footfall-page': ['webhook'], 'footfall-email': ['webhook'] });
  });

  it('with only an email address, pages and everything else go to email', async () => {
    const result = await start({ FOOTFALL_ALERT_EMAIL: 'owner@example.com' });
    expect(result.code, result.stderr).toBe(0);
    expect(byName(provisionedContactPoints(result.target))).toEqual({ 'footfall-page': ['email'], 'footfall-email': ['email'] });
  });

  it('with both, pages go to the webhook and to email, everything else to email only', async () => {
    const result = await start({ FOOTFALL_ALERT_WEBHOOK_URL: 'https://hooks.example/footfall', FOOTFALL_ALERT_EMAIL: 'owner@example.com' });
    expect(result.code, result.stderr).toBe(0);
    expect(byName(provisionedContactPoints(result.target))).toEqual({ 'footfall-page': ['email', 'webhook'], 'footfall-email': ['email'] });
  });

  it('in every accepted combination, routes every policy to a contact point that reads only variables that are set', async () => {
    const combinations: Array<Record<string, string>> = [
      { FOOTFALL_ALERT_WEBHOOK_URL: 'https://hooks.example/footfall' },
      { FOOTFALL_ALERT_EMAIL: 'owner@example.com', FOOTFALL_ALERT_WEBHOOK_URL: '' },
      { FOOTFALL_ALERT_WEBHOOK_URL: 'https://hooks.example/footfall', FOOTFALL_ALERT_EMAIL: 'owner@example.com' },
    ];
    for (const env of combinations) {
      const result = await start(env);
      const points = provisionedContactPoints(result.target);
      const names = new Set(points.map((point) => point.name));
      expect(
        policyReceivers(result.target).filter((receiver) => !names.has(receiver)),
        JSON.stringify(env),
      ).toEqual([]);
      const read = [...JSON.stringify(points).matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]);
      const set = Object.entries(env)
        .filter(([, value]) => value !== '')
        .map(([name]) => name);
      expect(
        read.filter((name) => !set.includes(name!)),
        JSON.stringify(env),
      ).toEqual([]);
      // The rest of the provisioning is there, the folder of channel files is not.
      for (const file of ['datasources/datasources.yaml', 'dashboards/footfall.yaml', 'alerting/rules.yaml', 'alerting/templates.yaml']) {
        expect(existsSync(join(result.target, file)), file).toBe(true);
      }
      expect(existsSync(join(result.target, 'alerting/contact-points'))).toBe(false);
    }
  });

  it('keeps the same files as the channels rendered from the TypeScript say', async () => {
    const cases: Array<Record<string, string>> = [
      { FOOTFALL_ALERT_WEBHOOK_URL: 'https://hooks.example/footfall' },
      { FOOTFALL_ALERT_EMAIL: 'owner@example.com' },
      { FOOTFALL_ALERT_WEBHOOK_URL: 'https://hooks.example/footfall', FOOTFALL_ALERT_EMAIL: 'owner@example.com' },
    ];
    for (const env of cases) {
      const result = await start(env);
      const kept = readdirSync(join(result.target, 'alerting'))
        .filter((name) => name.startsWith('contact-points-'))
        .map((name) => name.slice('contact-points-'.length));
      const expected = contactPointChannels()
        .filter((channel) => env[channel.whenSet] && !(channel.whenUnset && env[channel.whenUnset]))
        .map((channel) => channel.file);
      expect(kept.sort(), JSON.stringify(env)).toEqual(expected.sort());
    }
  });

  it('renders each channel file with its own variable only, beside the script', () => {
    const files = readdirSync(fileURLToPath(new URL(`../../${CONTACT_POINTS_DIR}`, import.meta.url)));
    expect(files.sort()).toEqual([...contactPointChannels().map((channel) => channel.file), 'grafana-entrypoint.sh'].sort());
    for (const channel of contactPointChannels()) {
      const text = readFileSync(new URL(`../../${CONTACT_POINTS_DIR}/${channel.file}`, import.meta.url), 'utf8');
      const read = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));
      expect([...read], channel.file).toEqual([channel.whenSet]);
    }
  });
});
