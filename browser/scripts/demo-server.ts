/**
 * Serves the built demo portfolio (`dist/demo`) with the tracker options written into the page,
 * so one build serves any ingest service or Collector. Client-side routes (`/room`, `/about`...)
 * get the page itself; files come from sirv.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';
import type { TrackerOptions } from '../src/tracker/types.js';
import { distDir } from './bundles.js';

export const demoDir = `${distDir}/demo`;

export interface DemoServerOptions {
  /** Tracker options for the page (site, mode, endpoint, collectorUrl, debug). */
  tracker: TrackerOptions;
  /** The built demo (default `dist/demo`). */
  dir?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
}

export interface RunningDemo {
  url: string;
  close(): Promise<void>;
}

const CONFIG_PLACEHOLDER = '<script id="footfall-config" type="application/json">{}</script>';

/** `<` escaped, so no option value can end the script element early. */
const configScript = (options: TrackerOptions) =>
  `<script id="footfall-config" type="application/json">${JSON.stringify(options).replace(/</g, '\\u003c')}</script>`;

export async function serveDemo(options: DemoServerOptions): Promise<RunningDemo> {
  const dir = options.dir ?? demoDir;
  let template: string;
  try {
    template = await readFile(`${dir}/index.html`, 'utf8');
  } catch {
    throw new Error('The demo is not built: run `npm run build` first.');
  }
  if (!template.includes(CONFIG_PLACEHOLDER)) throw new Error(`${dir}/index.html has no tracker config placeholder`);
  const page = template.replace(CONFIG_PLACEHOLDER, configScript(options.tracker));
  const files = sirv(dir, { dev: false, etag: true });
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (!path.includes('.')) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(page);
      return;
    }
    files(request, response, () => {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
