import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FootfallEvent } from '../../src/tracker/types.js';

/** A real HTTP server that takes beacons the way the ingest service does, and keeps every body. */
export interface BeaconSink {
  endpoint: string;
  bodies: { contentType: string; bytes: number; text: string }[];
  events(): FootfallEvent[];
  /** Resolves once `count` events have arrived; rejects after `timeoutMs`. */
  waitForEvents(count: number, timeoutMs?: number): Promise<FootfallEvent[]>;
  close(): Promise<void>;
}

export async function startBeaconSink(): Promise<BeaconSink> {
  const bodies: BeaconSink['bodies'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      if (request.method === 'POST')
        bodies.push({ contentType: request.headers['content-type'] ?? '', bytes: body.length, text: body.toString('utf8') });
      response.writeHead(202, { 'access-control-allow-origin': '*', 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const events = () => bodies.flatMap((body) => (JSON.parse(body.text) as { events: FootfallEvent[] }).events);
  return {
    endpoint: `http://127.0.0.1:${port}/v1/beacon`,
    bodies,
    events,
    async waitForEvents(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (events().length < count) {
        if (Date.now() > deadline)
          throw new Error(`expected ${count} events, got ${events().length}: ${JSON.stringify(events().map((e) => e.type))}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return events();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Lets in-flight requests land, so a test can check that nothing arrived. */
export const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));
