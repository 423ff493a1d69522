// The Collector's own promise, apart from the ingest service: what it accepted while its
// destination was down is forwarded once the destination is back, even when the Collector was
// restarted meanwhile (the sending queue is on disk). The destination here is a recording server,
// so the test sees every request the Collector makes, repeats included.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor, startCollector, freePorts, type CollectorOptions, type ManagedProcess } from '@footfall/stack';
import { afterAll, describe, expect, it } from 'vitest';
import { postTraces, tracesRequest } from './support/otlp-json.js';
import { startSpanFlow } from './support/span-flow.js';
import { recordedSpans, startRecordingServer, type RecordedRequest } from './support/recording-otlp-server.js';

const scratch = mkdtempSync(join(tmpdir(), 'footfall-queue-'));
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  if (!process.env.FOOTFALL_KEEP_TEST_DATA) rmSync(scratch, { recursive: true, force: true });
});

describe('the persistent sending queue', () => {
  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'forwards every accepted span after a destination outage spanning a Collector restart (%s)',
    { timeout: 120_000 },
    async (signal) => {
      const requests: RecordedRequest[] = [];
      let destination = await startRecordingServer(0, requests);
      cleanups.push(() => destination.close());
      const ports = await freePorts();
      const options: CollectorOptions = {
        ports: { otlpHttp: ports.otlpHttp, otlpGrpc: ports.otlpGrpc, health: ports.collectorHealth, metrics: ports.collectorMetrics },
        ingestEndpoint: destination.url,
        storageDir: join(scratch, `queue-${signal}`),
        corsOrigins: ['http://127.0.0.1:5173'],
        logFile: join(scratch, `collector-${signal}.log`),
        env: { COLLECTOR_EXPORT_ENCODING: 'json', COLLECTOR_BATCH_TIMEOUT: '200ms' },
      };
      let collector: ManagedProcess = await startCollector(options);
      cleanups.push(() => collector.stop());

      const flow = startSpanFlow(() => `http://127.0.0.1:${ports.otlpHttp}`, `queue-session-${signal}`);
      await sleep(1_000);
      await destination.close(); // the destination goes away while spans flow
      await sleep(2_000);
      // With data waiting in the queue: SIGTERM lets it close; SIGKILL proves that what it answered
      // 200 for was already on disk, not in a batch in memory.
      await (signal === 'SIGTERM' ? collector.stop() : collector.kill());
      collector = await startCollector(options);
      await sleep(1_000);
      destination = await startRecordingServer(destination.port, requests);
      await sleep(1_000);
      const { acceptedSpanIds } = await flow.stop();
      expect(acceptedSpanIds.length).toBeGreaterThan(100);

      const forwarded = () => new Set(recordedSpans(requests).map((s) => s.spanId));
      await waitFor(() => acceptedSpanIds.every((id) => forwarded().has(id)), { intervalMs: 250, timeoutMs: 60_000 });
      const missing = acceptedSpanIds.filter((id) => !forwarded().has(id));
      expect(missing, `${missing.length} of ${acceptedSpanIds.length} accepted spans never forwarded; log ${options.logFile}`).toEqual([]);
    },
  );

  it('holds a sender while the queue is full and answers 200 once there is room, never 503', { timeout: 120_000 }, async () => {
    const requests: RecordedRequest[] = [];
    const ports = await freePorts();
    // Nothing listens at the destination yet: the queue only fills.
    const destinationPort = ports.ingest;
    const options: CollectorOptions = {
      ports: { otlpHttp: ports.otlpHttp, otlpGrpc: ports.otlpGrpc, health: ports.collectorHealth, metrics: ports.collectorMetrics },
      ingestEndpoint: `http://127.0.0.1:${destinationPort}`,
      storageDir: join(scratch, 'queue-full'),
      corsOrigins: ['http://127.0.0.1:5173'],
      logFile: join(scratch, 'collector-queue-full.log'),
      env: { COLLECTOR_EXPORT_ENCODING: 'json', COLLECTOR_BATCH_TIMEOUT: '100ms', COLLECTOR_QUEUE_SIZE: '3' },
    };
    const collector = await startCollector(options);
    cleanups.push(() => collector.stop());
    const collectorUrl = `http://127.0.0.1:${ports.otlpHttp}`;
    const send = () => {
      const { body, spanIds } = tracesRequest([{ type: 'object_click', session: 'queue-full', object: 'laptop' }]);
      return {
        spanIds,
        answer: postTraces(collectorUrl, body).then(async (response) => ({ status: response.status, text: await response.text() })),
      };
    };
    // Sent one after the other until one is held: the first few fill the queue (three requests, and
    // what the exporter's consumers hold in their retry loop) and are answered 200 at once.
    const sent: string[] = [];
    let held: ReturnType<typeof send> | undefined;
    for (let attempt = 0; attempt < 20 && !held; attempt++) {
      const request = send();
      sent.push(...request.spanIds);
      const outcome = await Promise.race([request.answer, sleep(2_000).then(() => undefined)]);
      if (outcome === undefined) held = request;
      else expect(outcome.status, outcome.text).toBe(200);
    }
    expect(held, 'no sender was held: the full queue answered instead').toBeDefined();
    const destination = await startRecordingServer(destinationPort, requests);
    cleanups.push(() => destination.close());
    expect((await held!.answer).status).toBe(200);
    const forwarded = () => new Set(recordedSpans(requests).map((span) => span.spanId));
    await waitFor(() => sent.every((id) => forwarded().has(id)), { intervalMs: 250, timeoutMs: 60_000 });
    expect(sent.filter((id) => !forwarded().has(id))).toEqual([]);
  });
});
