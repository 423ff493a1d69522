// `npm run stack`: the whole pipeline on loopback without Docker. The ingest service (embedded
// ClickHouse), the Collector, Prometheus and the demo portfolio, each waited on until healthy;
// Ctrl-C or SIGTERM stops them in order (Collector, ingest service, Prometheus), each flushing
// what it holds. Grafana is not part of it: docker-compose runs it (see docs/stacks.md).
import { existsSync } from 'node:fs';
import closeWithGrace from 'close-with-grace';
import { buildAll } from '../browser/scripts/build.js';
import { demoDir, serveDemo, type RunningDemo } from '../browser/scripts/demo-server.js';
import { NativeStack, whenLauncherGoes } from '@footfall/stack';
import { CatalogError } from '../ingest/src/catalog/catalog.js';
import { DEMO_SITE, type StackPlan, stackPlan } from './stack-options.js';

// Ingest, Collector and Prometheus flush on SIGTERM; past this, give up and kill them.
const STOP_TIMEOUT_MS = 60_000;

const say = (message: string) => console.log(`stack: ${message}`);

// First, before anything is built or started: a mistake in the catalog costs a second.
let plan: StackPlan;
try {
  plan = stackPlan(process.env);
} catch (error) {
  console.error(error instanceof CatalogError ? error.message : `stack: ${(error as Error).message}`);
  process.exit(1);
}
if (plan.catalog.warning) console.warn(`warning: ${plan.catalog.warning}`);
const { demoPort } = plan;
const baseDir = plan.options.baseDir;
const stack = new NativeStack(plan.options);
let demo: RunningDemo | undefined;
let stopping = false;

closeWithGrace({ delay: STOP_TIMEOUT_MS, logger: console }, async ({ signal, err }) => {
  stopping = true;
  if (err) console.error(`stack: ${err instanceof Error ? err.message : String(err)}`);
  say(`stopping${signal ? ` (${signal})` : ''}: Collector, ingest service, Prometheus, demo`);
  await demo?.close();
  await stack.stopAll();
  say('stopped');
});
// Whatever path the exit takes (a stop that timed out included), no service outlives us.
process.on('exit', () => stack.killAllNow());
// Killed outright, npm takes none of us with it: stop as on Ctrl-C when it (or tsx) is gone.
whenLauncherGoes(() => process.kill(process.pid, 'SIGTERM'));

say(`data and logs in ${baseDir}`);
say('starting the ingest service (embedded ClickHouse), the Collector and Prometheus...');
await stack.startAll();

if (!existsSync(`${demoDir}/index.html`)) {
  say('building the demo portfolio...');
  await buildAll();
}
demo = await serveDemo({
  port: demoPort,
  host: '127.0.0.1',
  tracker: {
    site: DEMO_SITE,
    mode: 'both',
    endpoint: `${stack.urls.ingest}/v1/beacon`,
    collectorUrl: stack.urls.collectorOtlpHttp,
  },
});

for (const service of stack.services()) {
  void service.exit.then((code) => {
    if (stopping) return;
    console.error(`stack: ${service.name} exited unexpectedly (${code}); its log: ${service.logFile}`);
    process.kill(process.pid, 'SIGTERM');
  });
}

const rows: [string, string][] = [
  ['demo portfolio', `${demo.url}/`],
  ['ingest service', `${stack.urls.ingest}  (stats: ${stack.urls.ingest}/api/stats, metrics: /metrics)`],
  ['Collector OTLP/HTTP', stack.urls.collectorOtlpHttp],
  ['Collector health', stack.urls.collectorHealth],
  ['Collector metrics', stack.urls.collectorMetrics],
  ['Prometheus', `${stack.urls.prometheus}  (targets: ${stack.urls.prometheus}/targets)`],
  ['logs', stack.logDir],
];
say('ready');
for (const [name, url] of rows) console.log(`  ${name.padEnd(20)} ${url}`);
say('Grafana is not part of the native stack: `docker compose up` runs it. Ctrl-C stops everything.');
