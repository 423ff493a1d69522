import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';

/**
 * Serves `dist/` and the bench pages, cross-origin isolated (COOP + COEP) so that
 * `performance.now()` has its fine resolution, and takes beacons and OTLP like an ingest
 * service that accepts everything, so sending costs what it costs in production.
 */
export async function startBenchServer(distDir: string, pages: Record<string, string>) {
  const files = sirv(distDir, { dev: true });
  let received = 0;
  const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'POST') {
      request.resume();
      request.on('end', () => {
        received++;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      });
      return;
    }
    const page = pages[path];
    if (page !== undefined) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...isolation });
      response.end(page);
      return;
    }
    for (const [name, value] of Object.entries(isolation)) response.setHeader(name, value);
    response.setHeader('cross-origin-resource-policy', 'same-origin');
    files(request, response, () => {
      response.writeHead(404);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const readText = (path: string) => readFile(path, 'utf8');
