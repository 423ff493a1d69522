// `npm run load -- <scenario>`: runs one scenario and prints its figures.
//
// With INGEST_URL and COLLECTOR_URL set it loads that stack, which must then see no other traffic
// during the run and allow the rate from one address (RATE_LIMIT_PER_MINUTE=0 and
// RATE_LIMIT_OTLP_PER_MINUTE=0 turn the limits off). Without them it starts its own ingest
// service and Collector on free loopback ports, their data in a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, NativeStack } from '@footfall/stack';
import { breakpointLines, figuresLine } from './figures.js';
import { KNOBS, knobsFrom, withKnobs } from './knobs.js';
import { runScenario } from './run-scenario.js';
import { isScenarioName, SCENARIO_NAMES, SCENARIOS } from './scenarios.js';

function usage(): string {
  return [
    `usage: npm run load -- <${SCENARIO_NAMES.join('|')}>`,
    ...SCENARIO_NAMES.map((name) => `  ${name.padEnd(10)} ${SCENARIOS[name].summary}`),
    'variables:',
    ...Object.entries(KNOBS).map(([name, meaning]) => `  ${name.padEnd(18)} ${meaning}`),
    '  INGEST_URL, COLLECTOR_URL   load this stack instead of starting one; STATS_TOKEN for its read API',
  ].join('\n');
}

async function main(): Promise<number> {
  const name = process.argv[2];
  if (!isScenarioName(name)) {
    console.error(usage());
    return 2;
  }
  let scenario: ReturnType<typeof withKnobs>;
  try {
    scenario = withKnobs(SCENARIOS[name], knobsFrom(process.env));
  } catch (error) {
    console.error(`load: ${(error as Error).message}`);
    return 2;
  }
  let stack: NativeStack | undefined;
  let baseDir: string | undefined;
  let ingestUrl = process.env.INGEST_URL;
  let collectorUrl = process.env.COLLECTOR_URL;
  try {
    if (!ingestUrl || !collectorUrl) {
      baseDir = mkdtempSync(join(tmpdir(), 'footfall-load-'));
      stack = new NativeStack({
        baseDir,
        ports: await freePorts(),
        corsOrigins: [],
        ingestEnv: { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_OTLP_PER_MINUTE: '0' },
      });
      console.log('load: starting an ingest service and a Collector on loopback...');
      await stack.start('ingest');
      await stack.start('collector');
      ingestUrl = stack.urls.ingest;
      collectorUrl = stack.urls.collectorOtlpHttp;
    }
    console.log(`load ${scenario.name}: ${scenario.summary}`);
    const figures = await runScenario(
      scenario,
      { ingest: { url: ingestUrl, ...(process.env.STATS_TOKEN ? { statsToken: process.env.STATS_TOKEN } : {}) }, collectorUrl },
      { log: (line) => console.log(line) },
    );
    for (const line of breakpointLines(figures)) console.log(line);
    console.log(figuresLine(figures));
    for (const path of ['beacon', 'otlp'] as const) {
      for (const [kind, times] of Object.entries(figures.failureKinds[path])) {
        console.log(`load ${scenario.name}: ${path} answered ${times.toLocaleString('en-US')} times ${kind}`);
      }
    }
    if (figures.firstRefusal) console.log(`load ${scenario.name}: the first refusal was ${figures.firstRefusal}`);
    if (figures.failures.length === 0) {
      console.log(`load ${scenario.name}: passed, reconciled`);
      return 0;
    }
    for (const failure of figures.failures) console.log(`load ${scenario.name}: FAILED: ${failure}`);
    return 1;
  } finally {
    await stack?.stopAll();
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
