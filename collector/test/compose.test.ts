// docker-compose.yml cannot be run here (no Docker engine), so its rules are checked as data:
// valid against the Compose Specification's JSON schema, pinned images, a healthcheck and a
// memory limit for every service, start order on health, mounts that exist, and every required
// variable present in .env.example.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '@footfall/stack';

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  healthcheck?: { test: string[] };
  deploy?: { resources?: { limits?: { memory?: string } } };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  profiles?: string[];
}

const composeText = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText) as { services: Record<string, Service> };
const services = Object.entries(compose.services);

/** The schema, vendored with its licence in compose-spec/ (see the README there). */
const composeSchema = JSON.parse(readFileSync(join(repoRoot, 'collector/test/compose-spec/compose-spec.json'), 'utf8')) as object;

/**
 * A validator of the Compose Specification, strict. The schema is draft-07, Ajv's own draft, but
 * names it by its https address; Ajv knows the draft by its http one, so it learns the other.
 */
function composeValidator() {
  // strictTypes only judges how a schema is written (union types, `additionalProperties` without
  // `type: object` under `oneOf`), which is the upstream schema's business, not ours.
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  const draft07 = ajv.getSchema('http://json-schema.org/draft-07/schema')!.schema as object;
  ajv.addMetaSchema({ ...draft07, $id: 'https://json-schema.org/draft-07/schema' });
  return ajv.compile(composeSchema);
}

/** The features docker-compose.yml uses that need Docker Compose 2.23.1, the minimum docs/stacks.md states. */
const NEWEST_FEATURES = ['top-level name', 'configs with inline content'];

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification', () => {
    const validate = composeValidator();
    const valid = validate(parse(composeText));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has a schema check that refuses what Compose refuses', () => {
    const validate = composeValidator();
    const broken = parse(composeText) as { services: Record<string, Record<string, unknown>> };
    broken.services.ingest!.restart_policy = 'always';
    broken.services.grafana!.depends_on = 'prometheus';
    expect(validate(broken)).toBe(false);
    expect(validate.errors!.map((error) => `${error.instancePath} ${error.keyword}`)).toEqual(
      expect.arrayContaining(['/services/ingest additionalProperties', '/services/grafana/depends_on type']),
    );
  });

  it('uses exactly the newest features docs/stacks.md names with the minimum Compose version', () => {
    const used = parse(composeText) as { name?: string; configs?: Record<string, { content?: string }> };
    const found = [
      ...(used.name ? ['top-level name'] : []),
      ...(Object.values(used.configs ?? {}).some((config) => config.content !== undefined) ? ['configs with inline content'] : []),
    ];
    expect(found).toEqual(NEWEST_FEATURES);
    const stacksPage = readFileSync(join(repoRoot, 'docs', 'stacks.md'), 'utf8');
    expect(stacksPage).toContain('Docker Compose 2.23.1');
  });

  it('runs the whole stack', () => {
    // A service under a profile (k6, for users who load-test) is not started by `docker compose up`.
    const started = services.filter(([, service]) => !service.profiles).map(([name]) => name);
    expect(started.sort()).toEqual(['clickhouse', 'collector', 'grafana', 'ingest', 'prometheus']);
  });

  it('pins every image and builds from Dockerfiles that exist', () => {
    for (const [name, service] of services) {
      if (service.image) expect(service.image, name).toMatch(/^[\w./-]+:v?\d+(\.\d+)*$/);
      else {
        const dockerfile = join(repoRoot, service.build!.context, service.build!.dockerfile ?? 'Dockerfile');
        expect(existsSync(dockerfile), dockerfile).toBe(true);
      }
    }
  });

  it('builds the ingest image with every workspace manifest and the source of every workspace it runs', () => {
    const dockerfile = readFileSync(join(repoRoot, 'ingest/Dockerfile'), 'utf8');
    const copied = new Set([...dockerfile.matchAll(/^COPY (\S+) /gm)].map((match) => match[1]));
    // npm ci checks the lock file against every workspace's manifest.
    const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] };
    for (const workspace of root.workspaces) expect(copied, workspace).toContain(`${workspace}/package.json`);
    // A workspace the service imports at run time is a link in node_modules: its source must be there.
    const ingest = JSON.parse(readFileSync(join(repoRoot, 'ingest/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const workspaceDependencies = Object.keys(ingest.dependencies).filter((name) => name.startsWith('@footfall/'));
    expect(workspaceDependencies).toEqual(['@footfall/contract']);
    for (const name of workspaceDependencies) expect(copied, name).toContain(`${name.slice('@footfall/'.length)}/src`);
  });

  it('gives every service a healthcheck and a memory limit, and starts each after what it needs is healthy', () => {
    for (const [name, service] of services) {
      expect(service.healthcheck?.test.length, name).toBeGreaterThan(0);
      expect(service.deploy?.resources?.limits?.memory, name).toMatch(/^\d+[mg]$/);
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services, `${name} -> ${dependency}`).toHaveProperty(dependency);
        expect(condition, `${name} -> ${dependency}`).toBe('service_healthy');
      }
    }
  });

  it('mounts files and folders of the repository that exist', () => {
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(join(repoRoot, source)), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it('takes its secrets from .env, and .env.example names every variable it needs', () => {
    const example = readFileSync(join(repoRoot, '.env.example'), 'utf8');
    const declared = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    const required = [...composeText.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]);
    expect(required).toContain('CLICKHOUSE_PASSWORD');
    for (const name of required) expect(declared.has(name), name).toBe(true);
    // No password is written into the file itself.
    expect(composeText).not.toMatch(/^\s+\w*PASSWORD:\s*[^$\s]/m);
    // .env.example leaves every password empty.
    expect(example).not.toMatch(/PASSWORD=\S/);
  });
});
