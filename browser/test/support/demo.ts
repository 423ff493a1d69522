/**
 * Helpers for end-to-end tests in real Chromium, shared with other packages' tests (the
 * Collector's browser -> Collector -> ingest test uses them). Keep these signatures stable.
 *
 *   const demo = await startDemo({ mode: 'otel', collectorUrl: 'http://127.0.0.1:4318' });
 *   const browser = await launchChromium();
 *   const page = await browser.newPage();
 *   await page.goto(`${demo.url}/room`);
 *   ...
 *   await browser.close();
 *   await demo.close();
 *
 * `startDemo` builds the demo portfolio from the current sources (once per test process, into a
 * temporary directory, so parallel test files never share a half-written build) and serves it
 * on a free 127.0.0.1 port, with the tracker sending beacons to `beaconUrl` (mode `beacon`),
 * OTLP to `collectorUrl` (mode `otel`, `/v1/traces` and `/v1/metrics` are appended) or both.
 * The ingest service or Collector must allow the demo's origin (`url`) for CORS.
 * `launchChromium` resolves to a playwright-core Browser running Debian's chromium with the
 * flags for headless software WebGL and an ordinary desktop user agent (the ingest service
 * refuses `HeadlessChrome` as a bot).
 */
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemo } from '../../scripts/build.js';
import { serveDemo } from '../../scripts/demo-server.js';

export { chromiumArgs, chromiumPath, launchChromium, visitorUserAgent } from './chromium.js';

export interface StartDemoOptions {
  /** The ingest service's beacon URL, e.g. `http://127.0.0.1:8080/v1/beacon`. */
  beaconUrl?: string;
  /** OTLP/HTTP base URL: a Collector (`http://127.0.0.1:4318`) or the ingest service itself. */
  collectorUrl?: string;
  mode: 'beacon' | 'otel' | 'both';
  /** Catalog site id (default `portfolio`). */
  site?: string;
}

export interface Demo {
  /** `http://127.0.0.1:<port>`, no trailing slash; pages: `/`, `/room`, `/about`, `/projects`, `/contact`. */
  url: string;
  close(): Promise<void>;
}

let built: Promise<string> | undefined;
let running = 0;

async function buildDemoOnce(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'footfall-demo-'));
  await buildDemo(dir);
  return dir;
}

export async function startDemo(options: StartDemoOptions): Promise<Demo> {
  running++;
  try {
    built ??= buildDemoOnce();
    const dir = await built;
    const server = await serveDemo({
      dir,
      tracker: {
        site: options.site ?? 'portfolio',
        mode: options.mode,
        endpoint: options.beaconUrl,
        collectorUrl: options.collectorUrl,
        debug: true,
      },
    });
    return {
      url: server.url,
      async close() {
        await server.close();
        release(dir);
      },
    };
  } catch (error) {
    release(undefined);
    throw error;
  }
}

/** The last demo of the process closed: its build goes too. */
function release(dir: string | undefined): void {
  if (--running > 0) return;
  built = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
