// The Collector configuration validated by our built Collector, the builder manifest checked
// against what the configuration uses, and both Prometheus configurations checked by promtool.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { collectorConfigFile, collectorEnv, renderPrometheusConfig, repoRoot, toolPath } from '@footfall/stack';

const scratch = mkdtempSync(join(tmpdir(), 'footfall-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The environment without any variable the Collector config reads, so its defaults apply. */
function envWithoutCollectorVars(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !/^(COLLECTOR_|INGEST_ENDPOINT)/.test(entry[0]),
    ),
  );
}

function validate(env: Record<string, string>) {
  return execa(toolPath('otelcol'), ['validate', `--config=${collectorConfigFile}`], {
    env: { ...envWithoutCollectorVars(), ...env },
    extendEnv: false,
    reject: false,
    cwd: scratch,
  });
}

const clusterConfigFile = join(repoRoot, 'collector/config.cluster.yaml');

/** The cluster profile's front Collector: config.yaml, then config.cluster.yaml over it. */
function validateCluster(env: Record<string, string>) {
  return execa(toolPath('otelcol'), ['validate', `--config=${collectorConfigFile}`, `--config=${clusterConfigFile}`], {
    env: { ...envWithoutCollectorVars(), ...env },
    extendEnv: false,
    reject: false,
    cwd: scratch,
  });
}

const nativeEnv = collectorEnv({
  ports: { otlpHttp: 14318, otlpGrpc: 14317, health: 14133, metrics: 14888 },
  ingestEndpoint: 'http://127.0.0.1:18080',
  storageDir: join(scratch, 'queue'),
  corsOrigins: ['http://127.0.0.1:5173', 'https://example.com'],
});

describe('collector/config.yaml', () => {
  it('is valid with every default', async () => {
    const result = await validate({});
    expect(result.stderr + result.stdout).not.toMatch(/error/i);
    expect(result.exitCode).toBe(0);
  });

  it('is valid with the variables the native stack sets', async () => {
    const result = await validate(nativeEnv);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('is refused by the Collector when a variable holds nonsense', async () => {
    const result = await validate({ ...nativeEnv, COLLECTOR_MEMORY_LIMIT_MIB: 'lots' });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/limit_mib/);
  });

  it('uses exactly the components the builder manifest builds, and the binary has exactly those', async () => {
    const kind = (id: string) => id.split('/')[0];
    // The cluster profile's file adds its exporter to the same binary.
    const configs = [collectorConfigFile, clusterConfigFile].map(
      (file) => parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>,
    );
    const used = (section: string) => [...new Set(configs.flatMap((config) => Object.keys(config[section] ?? {})).map(kind))].sort();

    const built = await execa(toolPath('otelcol'), ['components'], { reject: false });
    expect(built.exitCode).toBe(0);
    const components = parse(built.stdout) as Record<string, { name: string }[] | undefined>;
    const inBinary = (section: string) => (components[section] ?? []).map((c) => c.name).sort();

    const manifest = parse(readFileSync(join(repoRoot, 'collector/builder-config.yaml'), 'utf8')) as Record<
      string,
      { gomod: string }[] | undefined
    >;
    for (const section of ['receivers', 'processors', 'exporters', 'extensions']) {
      expect(inBinary(section), section).toEqual(used(section));
      expect(manifest[section]?.length, section).toBe(used(section).length);
    }
    // One release for every component: the builder's pin.
    const versions = new Set(
      ['receivers', 'processors', 'exporters', 'extensions'].flatMap((s) => (manifest[s] ?? []).map((m) => m.gomod.split(' ')[1])),
    );
    expect([...versions]).toEqual(['v0.159.0']);
  });

  it("has one pipeline per signal, traces, metrics and logs, each limited, given the page's origin, cleaned and sent to the ingest service", () => {
    const config = parse(readFileSync(collectorConfigFile, 'utf8')) as {
      service: { pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
      processors: { 'transform/privacy': Record<string, unknown> };
    };
    expect(Object.keys(config.service.pipelines).sort()).toEqual(['logs', 'metrics', 'traces']);
    for (const [signal, pipeline] of Object.entries(config.service.pipelines)) {
      expect(pipeline, signal).toEqual({
        receivers: ['otlp'],
        processors: ['memory_limiter', 'resource/origin', 'transform/privacy'],
        exporters: ['otlp_http/ingest'],
      });
    }
    // The privacy processor has statements for every signal it is in.
    expect(
      Object.keys(config.processors['transform/privacy'])
        .filter((key) => key.endsWith('_statements'))
        .sort(),
    ).toEqual(['log_statements', 'metric_statements', 'trace_statements']);
  });

  it('pins the Collector release once, in the manifest, for the native and the Docker build', () => {
    const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
    // Both builds read the builder's release out of the manifest with the same expression.
    const readsManifest = /sed -nE '(s#[^']*otlpreceiver[^']*#p)'/;
    const native = readsManifest.exec(read('scripts/tools.sh'))?.[1];
    const docker = readsManifest.exec(read('collector/Dockerfile'))?.[1];
    expect(native).toBeDefined();
    expect(docker).toBe(native);
    for (const file of ['scripts/tools.sh', 'collector/Dockerfile', 'docker-compose.yml']) {
      expect(read(file), file).not.toMatch(/OCB_VERSION[=:] *v\d/);
    }
  });
});

describe('collector/config.cluster.yaml (compose profile cluster)', () => {
  const compose = parse(readFileSync(join(repoRoot, 'docker-compose.cluster.yml'), 'utf8')) as {
    services: Record<string, { environment?: Record<string, string> }>;
  };
  const replicas = compose.services['cluster-collector']!.environment!.COLLECTOR_REPLICAS!;

  it('is valid over config.yaml with the replicas the compose profile names', async () => {
    const result = await validateCluster({ ...nativeEnv, COLLECTOR_REPLICAS: replicas });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('sends every signal through the load_balancing exporter, routed by session, to the replicas of its variable', () => {
    const cluster = parse(readFileSync(clusterConfigFile, 'utf8')) as {
      exporters: { load_balancing: { routing_key: string; routing_attributes: string[]; resolver: { static: { hostnames: string } } } };
      service: { pipelines: Record<string, { exporters: string[] }> };
    };
    expect(Object.keys(cluster.service.pipelines).sort()).toEqual(['logs', 'metrics', 'traces']);
    for (const pipeline of Object.values(cluster.service.pipelines)) expect(pipeline.exporters).toEqual(['load_balancing']);
    expect(cluster.exporters.load_balancing.routing_key).toBe('attributes');
    expect(cluster.exporters.load_balancing.routing_attributes).toEqual(['session.id']);
    expect(cluster.exporters.load_balancing.resolver.static.hostnames).toBe('${env:COLLECTOR_REPLICAS}');
    // Each name is a Collector of the profile, on its OTLP/gRPC port.
    for (const host of parse(replicas) as string[]) {
      const [service, port] = host.split(':');
      expect(compose.services, host).toHaveProperty(service!);
      expect(port).toBe('4317');
    }
  });

  it('is refused by the Collector without replicas to send to', async () => {
    const result = await validateCluster(nativeEnv);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/no endpoints specified for the static resolver/);
  });
});

describe('Prometheus configuration', () => {
  const checkConfig = (file: string) => execa(toolPath('promtool'), ['check', 'config', file], { reject: false });
  const committedFile = join(repoRoot, 'provisioning/prometheus/prometheus.yml');

  it('provisioning/prometheus/prometheus.yml passes promtool check config', async () => {
    const result = await checkConfig(committedFile);
    expect(result.stdout + result.stderr).toMatch(/SUCCESS/);
    expect(result.exitCode).toBe(0);
  });

  it('the generated native configuration passes promtool and has the committed jobs and intervals', async () => {
    const rendered = renderPrometheusConfig({
      ingest: '127.0.0.1:18080',
      collector: '127.0.0.1:18888',
      prometheus: '127.0.0.1:19090',
    });
    const file = join(scratch, 'prometheus.yml');
    writeFileSync(file, rendered);
    const result = await checkConfig(file);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);

    type PromConfig = { global: Record<string, string>; scrape_configs: { job_name: string }[] };
    const generated = parse(rendered) as PromConfig;
    const committed = parse(readFileSync(committedFile, 'utf8')) as PromConfig;
    expect(generated.global).toEqual(committed.global);
    expect(generated.scrape_configs.map((j) => j.job_name)).toEqual(committed.scrape_configs.map((j) => j.job_name));
    expect(rendered).toContain('127.0.0.1:18080');
    expect(rendered).not.toContain('ingest:8080');
  });

  it('promtool refuses a broken configuration', async () => {
    const file = join(scratch, 'broken.yml');
    writeFileSync(file, 'scrape_configs:\n  - job_name: x\n    scrape_interval: soon\n');
    const result = await checkConfig(file);
    expect(result.exitCode).not.toBe(0);
  });
});
