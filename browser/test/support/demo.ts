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
 * `startDemo` serves the built demo portfolio (it builds it first when `browser/dist` is missing)
 * on a free 127.0.0.1 port, with the tracker sending beacons to `beaconUrl` (mode `beacon`),
 * OTLP to `collectorUrl` (mode `otel`, `/v1/traces` and `/v1/metrics` are appended) or both.
 * The ingest service or Collector must allow the demo's origin (`url`) for CORS.
 * `launchChromium` resolves to a playwright-core Browser running Debian's chromium with the
 * flags for headless software WebGL and an ordinary desktop user agent (the ingest service
 * refuses `HeadlessChrome` as a bot).
 */
import { existsSync } from 'node:fs';
import { buildAll } from '../../scripts/build.js';
import { demoDir, serveDemo } from '../../scripts/demo-server.js';

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

let building: Promise<void> | undefined;

export async function startDemo(options: StartDemoOptions): Promise<Demo> {
  if (!existsSync(`${demoDir}/index.html`)) await (building ??= buildAll());
  return serveDemo({
    tracker: {
      site: options.site ?? 'portfolio',
      mode: options.mode,
      endpoint: options.beaconUrl,
      collectorUrl: options.collectorUrl,
      debug: true,
    },
  });
}
