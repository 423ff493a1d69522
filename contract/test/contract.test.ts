// The contract agrees with the standards it borrows from and with every file that repeats a part of
// it outside TypeScript: the Collector's attribute keep-lists and the default catalog.
import { readFileSync } from 'node:fs';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION, ATTR_URL_PATH, ATTR_USER_AGENT_ORIGINAL } from '@opentelemetry/semantic-conventions';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ATTR, EVENT_TYPES, type Catalog } from '@footfall/contract';

const repoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the wire contract', () => {
  it('spells the standard attributes as the semantic conventions do', () => {
    expect(ATTR.serviceName).toBe(ATTR_SERVICE_NAME);
    expect(ATTR.serviceVersion).toBe(ATTR_SERVICE_VERSION);
    expect(ATTR.urlPath).toBe(ATTR_URL_PATH);
    expect(ATTR.userAgent).toBe(ATTR_USER_AGENT_ORIGINAL);
  });

  it('keeps, in the Collector, only attribute names of the contract', () => {
    const config = repoFile('collector/config.yaml');
    const keepLists = [...config.matchAll(/limit\(attributes, \d+, \[([^\]]*)\]\)/g)].map((match) =>
      [...match[1]!.matchAll(/"([^"]+)"/g)].map((name) => name[1]!),
    );
    expect(keepLists.length).toBeGreaterThan(0);
    const names = new Set<string>(Object.values(ATTR));
    for (const list of keepLists) {
      for (const name of list) expect(names, `collector/config.yaml keeps "${name}"`).toContain(name);
    }
    // The event type is what makes a span an analytics event: every keep-list must keep it.
    for (const list of keepLists) expect(list).toContain(ATTR.eventType);
    expect(parse(config)).toBeTypeOf('object');
  });

  it('names, anywhere in the Collector configurations, only attributes of the contract in its namespace', () => {
    const names = new Set<string>(Object.values(ATTR));
    for (const file of ['collector/config.yaml', 'collector/config.cluster.yaml']) {
      // Every `portfolio.` name an OTTL statement or a processor quotes: attributes["..."], keep-lists, keys.
      const quoted = [...repoFile(file).matchAll(/["'](portfolio\.[^"']*)["']/g)].map((match) => match[1]!);
      for (const name of quoted) expect(names, `${file} names "${name}"`).toContain(name);
    }
    expect([...repoFile('collector/config.yaml').matchAll(/["'](portfolio\.[^"']*)["']/g)].length).toBeGreaterThan(0);
  });

  it('accepts in the default catalog only event types of the contract', () => {
    const catalog = JSON.parse(repoFile('ingest/catalog.json')) as Catalog;
    expect(catalog.eventTypes.length).toBeGreaterThan(0);
    for (const type of catalog.eventTypes) expect(EVENT_TYPES as readonly string[]).toContain(type);
  });
});
