import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildScriptTag } from '../../scripts/bundles.js';

export interface ScriptTagPageOptions {
  /** The page's HTML; it loads `/footfall.js`. */
  page: string;
  /** Answer `/footfall-extra.js` after this many milliseconds (default at once). */
  extraDelayMs?: number;
  /** Answer `/footfall-extra.js` with 404. */
  extraMissing?: boolean;
  /** Answer `/footfall-worker.js` with 404 (a site that copied the other files only). */
  workerMissing?: boolean;
  /** Other files of the site by path, answered as they are given (a download, a second page). */
  files?: Record<string, { headers: Record<string, string>; body: string }>;
  /** Headers of the page's own answer besides its type (a Content-Security-Policy). */
  pageHeaders?: Record<string, string>;
}

export interface ScriptTagPage {
  url: string;
  /** Requests for `/footfall-extra.js` so far. */
  extraRequests(): number;
  /** Requests for `/footfall-worker.js` so far. */
  workerRequests(): number;
  close(): Promise<void>;
}

/** One's own site: a page, the script tag's core, its lazily loaded part and its worker, as built now. */
export async function serveScriptTagPage(options: ScriptTagPageOptions): Promise<ScriptTagPage> {
  const files = await buildScriptTag();
  let extraRequests = 0;
  let workerRequests = 0;
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
      response.end(body);
    };
    if (path === '/footfall.js') return send(200, 'text/javascript', files['footfall.js']);
    if (path === '/footfall-extra.js') {
      extraRequests++;
      if (options.extraMissing) return send(404, 'text/plain', 'not found');
      setTimeout(() => send(200, 'text/javascript', files['footfall-extra.js']), options.extraDelayMs ?? 0);
      return;
    }
    if (path === '/footfall-heatmap.js') return send(200, 'text/javascript', files['footfall-heatmap.js']);
    if (path === '/footfall-worker.js') {
      workerRequests++;
      if (options.workerMissing) return send(404, 'text/plain', 'not found');
      return send(200, 'text/javascript', files['footfall-worker.js']);
    }
    const file = options.files?.[path];
    if (file) {
      response.writeHead(200, file.headers);
      return response.end(file.body);
    }
    send(200, 'text/html; charset=utf-8', options.page, options.pageHeaders);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    extraRequests: () => extraRequests,
    workerRequests: () => workerRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
