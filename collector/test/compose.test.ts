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
// Compose reads YAML merge keys (`<<: *anchor`), which the cluster profile's file uses.
const readCompose = (text: string) => parse(text, { merge: true }) as { services: Record<string, Service>; include?: string[] };
const main = readCompose(composeText);
/** The files docker-compose.yml includes (the profile `cluster`), each read as Compose reads it. */
const includedTexts = (main.include ?? []).map((file) => readFileSync(join(repoRoot, file), 'utf8'));
const included = includedTexts.map(readCompose);
/** Every service Compose knows, the included files' too: the rules below hold for each. */
const compose = { services: Object.assign({}, main.services, ...included.map((file) => file.services)) as Record<string, Service> };
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
  it('is valid against the Compose Specification, with every file it includes', () => {
    const validate = composeValidator();
    expect(main.include).toEqual(['docker-compose.cluster.yml']);
    for (const text of [composeText, ...includedTexts]) {
      const valid = validate(parse(text, { merge: true }));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
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
    // A service under a profile (k6, for users who load-test; the cluster) is not started by `docker compose up`.
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
    for (const text of [composeText, ...includedTexts]) {
      const required = [...text.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]);
      expect(required).toContain('CLICKHOUSE_PASSWORD');
      for (const name of required) expect(declared.has(name), name).toBe(true);
      // No password is written into the file itself.
      expect(text).not.toMatch(/^\s+\w*PASSWORD:\s*[^$\s]/m);
    }
    // .env.example leaves every password empty.
    expect(example).not.toMatch(/PASSWORD=\S/);
  });
});

describe('the compose profile cluster (docker-compose.cluster.yml)', () => {
  const cluster = included[0]!;
  const serviceEnv = (name: string) => (cluster.services[name] as Service & { environment: Record<string, string | number> }).environment;
  const clusterXml = readFileSync(join(repoRoot, 'clickhouse/cluster/server/cluster.xml'), 'utf8');
  const keeperXml = readFileSync(join(repoRoot, 'clickhouse/cluster/keeper/keeper.xml'), 'utf8');
  const profileXml = readFileSync(join(repoRoot, 'clickhouse/cluster/server/footfall-profile.xml'), 'utf8');
  const all = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((match) => match[1]!);

  it('starts nothing without the profile', () => {
    for (const [name, service] of Object.entries(cluster.services)) expect(service.profiles, name).toEqual(['cluster']);
  });

  it('runs two shards of two replicas, each server with its own shard and replica macros, all of them in remote_servers footfall', () => {
    const shards = all(clusterXml, /<shard>([\s\S]*?)<\/shard>/g).map((shard) => all(shard, /<host>([^<]+)<\/host>/g));
    expect(clusterXml).toMatch(/<remote_servers>\s*<footfall>/);
    expect(shards).toEqual([
      ['ch-s1r1', 'ch-s1r2'],
      ['ch-s2r1', 'ch-s2r2'],
    ]);
    for (const [index, hosts] of shards.entries()) {
      for (const host of hosts) {
        const service = cluster.services[host] as Service & { image: string; hostname: string };
        expect(service.image, host).toMatch(/^clickhouse\/clickhouse-server:/);
        expect(service.hostname, host).toBe(host);
        expect(serviceEnv(host)).toMatchObject({ CLICKHOUSE_SHARD: index + 1, CLICKHOUSE_REPLICA: host });
        for (const file of ['cluster.xml', 'footfall-profile.xml'])
          expect(
            service.volumes!.some((volume) => volume.startsWith(`./clickhouse/cluster/server/${file}:`)),
            `${host} ${file}`,
          ).toBe(true);
      }
    }
    expect(clusterXml).toMatch(/<shard from_env="CLICKHOUSE_SHARD"\/>/);
    expect(clusterXml).toMatch(/<replica from_env="CLICKHOUSE_REPLICA"\/>/);
    expect(all(clusterXml, /<internal_replication>(\w+)<\/internal_replication>/g)).toEqual(['true', 'true']);
    expect(clusterXml).toMatch(/<keeper_map_path_prefix>\/keeper_map_tables<\/keeper_map_path_prefix>/);
  });

  it('runs three ClickHouse Keepers that the servers and the Raft configuration both name', () => {
    const keepers = Object.entries(cluster.services).filter(([, service]) => service.image?.startsWith('clickhouse/clickhouse-keeper:'));
    expect(keepers.map(([name]) => name)).toEqual(['ch-keeper-1', 'ch-keeper-2', 'ch-keeper-3']);
    expect(all(clusterXml, /<node><host>([^<]+)<\/host><port>9181<\/port><\/node>/g)).toEqual(keepers.map(([name]) => name));
    const raft = all(keeperXml, /<server><id>(\d+)<\/id><hostname>([^<]+)<\/hostname>/g);
    expect(raft).toEqual(['1', '2', '3']);
    for (const [index, [name]] of keepers.entries()) {
      expect(serviceEnv(name)).toEqual({ KEEPER_SERVER_ID: index + 1 });
      expect(keeperXml).toContain(`<hostname>${name}</hostname>`);
    }
    expect(keeperXml).toMatch(/<server_id from_env="KEEPER_SERVER_ID"\/>/);
  });

  it("gives the service's user distributed_foreground_insert = 1 and a quorum of both replicas", () => {
    expect(profileXml).toMatch(/<profiles>\s*<default>[\s\S]*<distributed_foreground_insert>1<\/distributed_foreground_insert>/);
    expect(profileXml).toMatch(/<insert_quorum>2<\/insert_quorum>/);
  });

  it('runs two ingest replicas on the cluster, each with its own REPLICA_ID, data volume and Collector, behind the load_balancing Collector', () => {
    const replicas = ['ingest-1', 'ingest-2'];
    const dataVolumes = new Set<string>();
    for (const [index, name] of replicas.entries()) {
      const env = serviceEnv(name);
      expect(env.CLICKHOUSE_CLUSTER, name).toBe('footfall');
      expect(String(env.CLICKHOUSE_URL), name).toMatch(/^http:\/\/.*@ch-s\dr\d:8123\//);
      expect(env.REPLICA_ID, name).toBe(name);
      const data = cluster.services[name]!.volumes!.find((volume) => volume.endsWith(':/var/lib/footfall'))!;
      dataVolumes.add(data);
      expect(serviceEnv(`collector-${index + 1}`).INGEST_ENDPOINT).toBe(`http://${name}:8080`);
    }
    expect(dataVolumes.size).toBe(2);
    const front = cluster.services['cluster-collector'] as Service & { command: string[] };
    expect(front.command).toEqual(['--config', '/etc/otelcol/config.yaml', '--config', '/etc/otelcol/config.cluster.yaml']);
    expect(front.volumes).toContain('./collector/config.cluster.yaml:/etc/otelcol/config.cluster.yaml:ro');
    expect(parse(String(serviceEnv('cluster-collector').COLLECTOR_REPLICAS))).toEqual(['collector-1:4317', 'collector-2:4317']);
  });
});
