// docker-compose.yml cannot be run here (no Docker engine), so its rules are checked as data:
// pinned images, a healthcheck and a memory limit for every service, start order on health,
// mounts that exist, and every required variable present in .env.example.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('docker-compose.yml', () => {
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
