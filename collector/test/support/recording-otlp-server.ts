// A plain HTTP server that records the OTLP/JSON requests the Collector forwards to it, to see
// exactly what leaves the Collector. It stands in for the ingest service only in the test of the
// Collector's own processing; the end-to-end tests use the real ingest service.
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  path: string;
  body: unknown;
}

export interface RecordingServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Listens on `port` (0: any free one), appending to `requests` (pass the same array to a
 * restarted server to keep one record). */
export async function startRecordingServer(port = 0, requests: RecordedRequest[] = []): Promise<RecordingServer> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let raw = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      requests.push({ path: request.url ?? '', body: JSON.parse(raw.toString('utf8')) });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Drop kept-alive connections too, so the Collector sees the server gone at once.
        server.closeAllConnections();
      }),
  };
}

type Attribute = { key: string; value: { stringValue?: string } };
export interface RecordedSpan {
  spanId: string;
  attributes: Attribute[];
}
type TracesBody = { resourceSpans: { scopeSpans: { spans: RecordedSpan[] }[] }[] };

/** Every span of every recorded /v1/traces request, in arrival order (repeats included). */
export function recordedSpans(requests: RecordedRequest[]): RecordedSpan[] {
  return requests
    .filter((r) => r.path === '/v1/traces')
    .flatMap((r) => (r.body as TracesBody).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
}
