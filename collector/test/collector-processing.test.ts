// What our built Collector does to what browsers send before it leaves: addresses, headers and
// query strings removed; CORS only for the site's origins; oversized bodies refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil, startCollector, freePorts, type ManagedProcess } from '@footfall/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postTraces, tracesRequest } from './support/otlp-json.js';
import { recordedSpans, startRecordingServer, type RecordingServer } from './support/recording-otlp-server.js';

const SITE_ORIGIN = 'http://127.0.0.1:5173';
const scratch = mkdtempSync(join(tmpdir(), 'footfall-collector-'));
let recorder: RecordingServer;
let collector: ManagedProcess;
let otlpUrl: string;

beforeAll(async () => {
  recorder = await startRecordingServer();
  const ports = await freePorts();
  otlpUrl = `http://127.0.0.1:${ports.otlpHttp}`;
  collector = await startCollector({
    ports: { otlpHttp: ports.otlpHttp, otlpGrpc: ports.otlpGrpc, health: ports.collectorHealth, metrics: ports.collectorMetrics },
    ingestEndpoint: recorder.url,
    storageDir: join(scratch, 'queue'),
    corsOrigins: [SITE_ORIGIN],
    logFile: join(scratch, 'collector.log'),
    env: { COLLECTOR_EXPORT_ENCODING: 'json', COLLECTOR_BATCH_TIMEOUT: '100ms', COLLECTOR_MAX_BODY_BYTES: '65536' },
  });
});

afterAll(async () => {
  await collector?.stop();
  await recorder?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const forwardedSpans = () => recordedSpans(recorder.requests);

describe('the Collector between browser and ingest service', () => {
  it('forwards analytics spans without client addresses, headers or query strings', async () => {
    const { body, spanIds } = tracesRequest([
      {
        type: 'object_click',
        session: 'privacy-session',
        object: 'guitar',
        extra: {
          'client.address': '203.0.113.7',
          'http.client_ip': '203.0.113.7',
          'network.peer.address': '203.0.113.7',
          'http.request.header.cookie': 'secret=1',
          'url.query': 'email=someone@example.com',
          'url.full': 'http://127.0.0.1:5173/projects?email=someone@example.com#top',
        },
      },
    ]);
    const response = await postTraces(otlpUrl, body);
    expect(response.status).toBe(200);

    await waitUntil('the span to be forwarded', () => forwardedSpans().some((s) => s.spanId === spanIds[0]), {
      intervalMs: 100,
      timeoutMs: 20_000,
    });
    const span = forwardedSpans().find((s) => s.spanId === spanIds[0]);
    const attributes = Object.fromEntries((span?.attributes ?? []).map((a) => [a.key, a.value.stringValue]));
    expect(attributes).toMatchObject({
      'portfolio.event.type': 'object_click',
      'portfolio.object.id': 'guitar',
      'session.id': 'privacy-session',
      'url.full': 'http://127.0.0.1:5173/projects',
    });
    for (const removed of ['client.address', 'http.client_ip', 'network.peer.address', 'http.request.header.cookie', 'url.query']) {
      expect(attributes, removed).not.toHaveProperty(removed);
    }
  });

  it('answers a CORS preflight from the site origin, and not from another origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${otlpUrl}/v1/traces`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight(SITE_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a body over the size limit', async () => {
    const huge = tracesRequest(
      Array.from({ length: 400 }, () => ({ type: 'page_view', session: 'big', extra: { filler: 'x'.repeat(256) } })),
    );
    expect(huge.body.length).toBeGreaterThan(65_536);
    const response = await postTraces(otlpUrl, huge.body);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(forwardedSpans().some((s) => s.spanId === huge.spanIds[0])).toBe(false);
  });
});
