// Runs one k6 scenario and reconciles it: every event the run counted as accepted must be stored
// in ClickHouse, as the ingest service's /api/stats reports, no more and no fewer.
//
//   npx tsx load/run.ts smoke|average|spike|soak|stress
//
// With INGEST_URL and COLLECTOR_URL set, it loads that stack (which must then see no other traffic
// during the run, and have RATE_LIMIT_PER_MINUTE=0 or a limit above the scenario's rate: all
// requests come from one address). Without them it starts its own ingest service and Collector on
// free loopback ports, with their data in a temporary folder.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { freePorts, NativeStack, toolPath, waitFor } from '@footfall/stack';

export const SCENARIOS = ['smoke', 'average', 'spike', 'soak', 'stress'] as const;
export type Scenario = (typeof SCENARIOS)[number];

const STORED_WAIT_MS = 120_000;

export interface LoadRun {
  scenario: Scenario;
  ingestUrl: string;
  collectorUrl: string;
  /** More variables for the scenario (RATE, DURATION, ITERATIONS...). */
  env?: Record<string, string>;
  statsToken?: string;
  /** Show k6's progress and summary (the CLI) or keep them (tests). */
  k6Output: 'inherit' | 'pipe';
}

export interface LoadResult {
  k6ExitCode: number;
  k6Output: string;
  /** Events the run counted as accepted (202 beacons, 200 OTLP). */
  accepted: number;
  /** Events ClickHouse holds now that it did not hold before the run. */
  stored: number;
}

async function storedTotal(ingestUrl: string, statsToken?: string): Promise<number> {
  const response = await fetch(`${ingestUrl}/api/stats?range=24h`, {
    headers: statsToken ? { authorization: `Bearer ${statsToken}` } : {},
  });
  if (!response.ok) throw new Error(`/api/stats answered ${response.status}`);
  return ((await response.json()) as { total_events: number }).total_events;
}

export async function runLoad(run: LoadRun): Promise<LoadResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'footfall-load-'));
  try {
    const before = await storedTotal(run.ingestUrl, run.statsToken);
    const summaryFile = join(scratch, 'summary.json');
    const k6 = await execa(
      toolPath('k6'),
      [
        'run',
        '--no-usage-report',
        // Its REST API on a free port, so runs side by side never collide on 6565.
        '--address=127.0.0.1:0',
        `--summary-export=${summaryFile}`,
        fileURLToPath(new URL(`scenarios/${run.scenario}.js`, import.meta.url)),
      ],
      {
        env: { INGEST_URL: run.ingestUrl, COLLECTOR_URL: run.collectorUrl, RUN_ID: `load${Date.now().toString(36)}`, ...run.env },
        reject: false,
        stdout: run.k6Output,
        stderr: run.k6Output,
        all: run.k6Output === 'pipe',
      },
    );
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { metrics: Record<string, { count?: number }> };
    const accepted = summary.metrics.events_accepted?.count ?? 0;
    // Beacons are written in batches and OTLP waits in the Collector's batch: give them time.
    await waitFor(async () => (await storedTotal(run.ingestUrl, run.statsToken)) - before >= accepted, {
      intervalMs: 500,
      timeoutMs: STORED_WAIT_MS,
    });
    const stored = (await storedTotal(run.ingestUrl, run.statsToken)) - before;
    return { k6ExitCode: k6.exitCode ?? 1, k6Output: k6.all ?? '', accepted, stored };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const scenario = process.argv[2] as Scenario;
  if (!SCENARIOS.includes(scenario)) {
    console.error(`usage: load/run.ts ${SCENARIOS.join('|')}`);
    return 2;
  }
  let stack: NativeStack | undefined;
  let baseDir: string | undefined;
  let ingestUrl = process.env.INGEST_URL;
  let collectorUrl = process.env.COLLECTOR_URL;
  if (!ingestUrl || !collectorUrl) {
    baseDir = mkdtempSync(join(tmpdir(), 'footfall-load-stack-'));
    stack = new NativeStack({
      baseDir,
      ports: await freePorts(),
      corsOrigins: [],
      ingestEnv: { RATE_LIMIT_PER_MINUTE: '0' },
    });
    console.log('load: starting an ingest service and a Collector on loopback...');
    await stack.start('ingest');
    await stack.start('collector');
    ingestUrl = stack.urls.ingest;
    collectorUrl = stack.urls.collectorOtlpHttp;
  }
  try {
    const result = await runLoad({ scenario, ingestUrl, collectorUrl, statsToken: process.env.STATS_TOKEN, k6Output: 'inherit' });
    const reconciled = result.stored === result.accepted;
    console.log(
      `load ${scenario}: k6 exit ${result.k6ExitCode}; ${result.accepted} events accepted, ${result.stored} stored; ` +
        (reconciled ? 'reconciled' : `NOT reconciled (${result.stored - result.accepted})`),
    );
    return result.k6ExitCode === 0 && reconciled ? 0 : 1;
  } finally {
    await stack?.stopAll();
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main();
