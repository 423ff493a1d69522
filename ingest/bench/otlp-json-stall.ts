import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { buildApp } from '../src/app.js';
import { configWith } from '../src/config.js';
import { checkJsonLimits } from '../src/otlp/json-limits.js';

// How long GET /healthz waits while the service refuses a 9 MB OTLP/JSON request over the
// attribute limit: the event loop is held for as long as the body is read before the refusal.
// Two bodies: the one of the report (one span with 200,000 attributes: the limit is passed at
// the start of the text) and the worst case for a scan of the text (1,563 spans at the limit of
// 128 attributes, then one with 129: the limit is passed at its end). Also: what the scan costs a
// body under the limits. Run: npx tsx ingest/bench/otlp-json-stall.ts

const ROUNDS = 7;

const attribute = (index: number) => ({ key: `a${index}`, value: { stringValue: 'v' } });
const span = (index: number, attributes: number) => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: index.toString(16).padStart(16, '0'),
  name: 'stall',
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000000000000000',
  attributes: Array.from({ length: attributes }, (_, n) => attribute(n)),
});
const request_ = (spans: unknown[]) => Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }));

const limitFirst = request_([span(1, 200_000)]);
const atLimit = Array.from({ length: 1563 }, (_, index) => span(index + 1, 128));
const limitLast = request_([...atLimit, span(9999, 129)]);
const underLimits = request_(atLimit);

// The bodies were built as objects in this process: their garbage is collected now, not during a measurement.
setFlagsFromString('--expose-gc');
(runInNewContext('gc') as () => void)();

const dataDir = mkdtempSync(join(tmpdir(), 'footfall-bench-'));
const app = await buildApp(configWith({ dataDir, rateLimitPerMinute: 0, rateLimitOtlpPerMinute: 0, logLevel: 'silent' }));
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as { port: number };
const agent = new Agent({ keepAlive: true });

function send(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = request({ host: '127.0.0.1', port, method, path, agent, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    call.on('error', reject);
    call.end(body);
  });
}

/** The longest GET /healthz answer while `work` runs, and how long `work` took. */
async function healthzWaitDuring(work: () => Promise<unknown>): Promise<{ longestMs: number; workMs: number }> {
  let running = true;
  let longestMs = 0;
  const pinger = (async () => {
    while (running) {
      const start = performance.now();
      await send('GET', '/healthz');
      longestMs = Math.max(longestMs, performance.now() - start);
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const start = performance.now();
  await work();
  const workMs = performance.now() - start;
  running = false;
  await pinger;
  return { longestMs, workMs };
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

for (const [name, json] of [
  ['one span with 200,000 attributes (limit passed at the start)', limitFirst],
  ['1,563 spans of 128 attributes, then one of 129 (limit passed at the end)', limitLast],
] as const) {
  const body = gzipSync(json);
  const waits: number[] = [];
  const took: number[] = [];
  let status = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const { longestMs, workMs } = await healthzWaitDuring(async () => {
      status = await send('POST', '/v1/traces', body, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    });
    waits.push(longestMs);
    took.push(workMs);
  }
  console.log(
    `${name}: ${(json.length / 1e6).toFixed(1)} MB JSON, ${(body.length / 1e6).toFixed(2)} MB gzip; answered ${status}; ` +
      `longest /healthz wait median ${median(waits).toFixed(0)} ms (max ${Math.max(...waits).toFixed(0)}); request ${median(took).toFixed(0)} ms`,
  );
}

const scans: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const start = performance.now();
  checkJsonLimits(underLimits, 'traces');
  scans.push(performance.now() - start);
}
const parses: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const start = performance.now();
  JSON.parse(underLimits.toString());
  parses.push(performance.now() - start);
}
console.log(
  `a ${(underLimits.length / 1e6).toFixed(1)} MB body under the limits: scan ${median(scans).toFixed(0)} ms, JSON.parse ${median(parses).toFixed(0)} ms`,
);

agent.destroy();
await app.close();
rmSync(dataDir, { recursive: true, force: true });
