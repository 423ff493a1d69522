// Static checks over what Grafana will load: every uid, folder and contact point that something
// refers to exists, panel ids are unique, and every dashboard and panel says what it shows.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const readYaml = <T>(path: string): T => parse(readFileSync(new URL(path, root), 'utf8')) as T;

interface Target {
  refId?: string;
  datasource?: { uid?: string; type?: string };
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { uid?: string };
  targets?: Target[];
  panels?: Panel[];
  fieldConfig?: { defaults?: { unit?: string }; overrides?: Array<{ properties: Array<{ id: string; value: unknown }> }> };
}
interface Dashboard {
  uid: string;
  title: string;
  description?: string;
  panels: Panel[];
  templating?: { list: Array<{ name: string; datasource?: { uid?: string } }> };
}

const dashboardFiles = readdirSync(new URL('grafana/dashboards/', root)).filter((name) => name.endsWith('.json'));
const dashboards = dashboardFiles.map((name) => JSON.parse(readFileSync(new URL(`grafana/dashboards/${name}`, root), 'utf8')) as Dashboard);
const dataSources = readYaml<{ datasources: Array<{ uid: string; type: string }> }>('provisioning/datasources/datasources.yaml');
const providers = readYaml<{ providers: Array<{ folder: string; folderUid: string; options: { path: string } }> }>(
  'provisioning/dashboards/footfall.yaml',
);
const rules = readYaml<{
  groups: Array<{
    folder: string;
    rules: Array<{ uid: string; condition: string; data: Array<{ refId: string; datasourceUid: string }> }>;
  }>;
}>('provisioning/alerting/rules.yaml');
// One file per optional channel (the Grafana entrypoint keeps those in use); all of them here.
const CONTACT_POINTS_DIR = 'provisioning/alerting/contact-points/';
const contactPointFiles = readdirSync(new URL(CONTACT_POINTS_DIR, root)).filter((name) => name.endsWith('.yaml'));
const contactPoints = {
  contactPoints: contactPointFiles.flatMap(
    (name) =>
      readYaml<{ contactPoints: Array<{ name: string; receivers: Array<{ uid: string; type: string }> }> }>(`${CONTACT_POINTS_DIR}${name}`)
        .contactPoints,
  ),
};
const policies = readYaml<{ policies: Array<{ receiver: string; routes?: Array<{ receiver: string }> }> }>(
  'provisioning/alerting/notification-policies.yaml',
);

const dataSourceUids = new Set(dataSources.datasources.map((source) => source.uid));
const flatPanels = (panels: Panel[]): Panel[] => panels.flatMap((panel) => [panel, ...flatPanels(panel.panels ?? [])]);
const isRow = (panel: Panel): boolean => panel.type === 'row';

describe('references between dashboards, data sources and alerting', () => {
  it('provisions the clickhouse and prometheus data sources by their fixed uids', () => {
    expect(dataSources.datasources.map((source) => [source.uid, source.type])).toEqual([
      ['clickhouse', 'grafana-clickhouse-datasource'],
      ['prometheus', 'prometheus'],
    ]);
  });

  it('gives every dashboard a unique uid, a title and a description', () => {
    expect(dashboards).toHaveLength(5);
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    for (const dashboard of dashboards) {
      expect(dashboard.title, dashboard.uid).toMatch(/\S/);
      expect(dashboard.description ?? '', dashboard.uid).toMatch(/\S{3,}/);
    }
  });

  for (const dashboard of dashboards) {
    describe(dashboard.title, () => {
      const panels = flatPanels(dashboard.panels);

      it('has no two panels with the same id', () => {
        const ids = panels.map((panel) => panel.id);
        expect(ids.every((id) => typeof id === 'number')).toBe(true);
        expect(new Set(ids).size).toBe(ids.length);
      });

      it('gives every panel a description and a unit', () => {
        const lacking = panels
          .filter((panel) => !isRow(panel))
          .filter((panel) => !panel.description?.trim() || !panel.fieldConfig?.defaults?.unit)
          .map((panel) => panel.title);
        expect(lacking).toEqual([]);
      });

      it('refers only to provisioned data sources', () => {
        const used = [
          ...panels.flatMap((panel) => [panel.datasource, ...(panel.targets ?? []).map((target) => target.datasource)]),
          ...(dashboard.templating?.list ?? []).map((variable) => variable.datasource),
        ]
          .filter((reference) => reference !== undefined)
          .map((reference) => reference.uid);
        const links = panels.flatMap((panel) =>
          (panel.fieldConfig?.overrides ?? []).flatMap((override) =>
            override.properties
              .filter((property) => property.id === 'links')
              .flatMap((property) => property.value as Array<{ internal?: { datasourceUid: string } }>)
              .map((link) => link.internal?.datasourceUid),
          ),
        );
        expect(used.length).toBeGreaterThan(0);
        expect([...used, ...links].filter((uid) => !dataSourceUids.has(uid ?? ''))).toEqual([]);
      });

      it('queries in every panel that is not a row', () => {
        const empty = panels.filter((panel) => !isRow(panel) && (panel.targets ?? []).length === 0).map((panel) => panel.title);
        expect(empty).toEqual([]);
      });
    });
  }

  it('loads the dashboards into the folder the alert rules live in', () => {
    expect(providers.providers).toHaveLength(1);
    expect(providers.providers[0]!.options.path).toBe('/var/lib/grafana/dashboards');
    expect(rules.groups.map((group) => group.folder)).toEqual([providers.providers[0]!.folder]);
  });

  it('points every alert query at a provisioned data source or at server expressions', () => {
    for (const rule of rules.groups.flatMap((group) => group.rules)) {
      expect(rule.uid.length, rule.uid).toBeLessThanOrEqual(40);
      expect(
        rule.data.map((query) => query.refId),
        rule.uid,
      ).toContain(rule.condition);
      for (const query of rule.data) expect([...dataSourceUids, '__expr__'], rule.uid).toContain(query.datasourceUid);
    }
  });

  it('routes every notification policy to a provisioned contact point', () => {
    const names = new Set(contactPoints.contactPoints.map((point) => point.name));
    const receivers = policies.policies.flatMap((policy) => [policy.receiver, ...(policy.routes ?? []).map((route) => route.receiver)]);
    expect(receivers.length).toBeGreaterThan(1);
    expect(receivers.filter((receiver) => !names.has(receiver))).toEqual([]);
  });

  it('takes contact point addresses from the environment, with a webhook and an email', () => {
    const receivers = contactPoints.contactPoints.flatMap((point) => point.receivers);
    expect(new Set(receivers.map((receiver) => receiver.type))).toEqual(new Set(['webhook', 'email']));
    const text = contactPointFiles.map((name) => readFileSync(new URL(`${CONTACT_POINTS_DIR}${name}`, root), 'utf8')).join('');
    expect(text).toContain('${FOOTFALL_ALERT_WEBHOOK_URL}');
    expect(text).toContain('${FOOTFALL_ALERT_EMAIL}');
  });

  it('has no "$" in rule files, where Grafana would read it as an environment variable', () => {
    // Annotation templates use {{ .Labels.x }} and {{ .Values.A.Value }} for that reason.
    const text = readFileSync(new URL('provisioning/alerting/rules.yaml', root), 'utf8');
    expect(text.match(/\$/g) ?? []).toEqual([]);
  });
});
