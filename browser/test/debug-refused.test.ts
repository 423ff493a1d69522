/**
 * `data-debug` tells a site owner what the ingest service refused, value and reason: a click on an
 * object missing from the catalog shows up in the console of real Chromium, from the service's own
 * answer, while the catalog's objects are stored as usual.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptTagBundle } from '../scripts/bundles.js';
import { launchChromium } from './support/demo.js';
import { freePort, startIngest, waitForStoredEvents, type RunningIngest } from './support/ingest.js';

let ingest: RunningIngest;
let site: { url: string; server: Server };
let browser: Browser;

/** One's own page: the script tag in debug mode, an object of the catalog and one it lacks. */
async function serveOwnPage(beaconUrl: string): Promise<{ url: string; server: Server }> {
  const script = (await build({ ...scriptTagBundle, write: false, outfile: 'footfall.js' })).outputFiles[0]!.text;
  const page = `<!doctype html><title>Debug</title>
    <script src="/footfall.js" data-site="portfolio" data-endpoint="${beaconUrl}" data-debug></script>
    <button data-footfall-object="guitar">Guitar</button>
    <button data-footfall-object="cv-download">My CV</button>`;
  const server = createServer((request, response) => {
    const isScript = request.url === '/footfall.js';
    response.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
    response.end(isScript ? script : page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

beforeAll(async () => {
  const port = await freePort();
  site = await serveOwnPage(`http://127.0.0.1:${port}/v1/beacon`);
  [ingest, browser] = await Promise.all([startIngest({ port, origins: [site.url] }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.server.close(resolve));
  await ingest?.stop();
});

describe('data-debug', () => {
  it('prints the refused value and reason from the ingest service, and stores the rest', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    const console: string[] = [];
    page.on('console', (message) => console.push(message.text()));
    await page.goto(`${site.url}/`);
    await page.click('[data-footfall-object="guitar"]');
    await page.click('[data-footfall-object="cv-download"]');
    await page.evaluate(() => window.footfall?.flush?.());
    const session = await page.evaluate(() => sessionStorage.getItem('footfall')!.split('.')[0]!);

    await expect.poll(() => console.find((line) => line.includes('unknown_object')), { timeout: 20_000 }).toBeDefined();
    const line = console.find((text) => text.includes('unknown_object'))!;
    expect(line).toContain('"value":"cv-download"');
    const stored = await waitForStoredEvents(ingest.url, session, 2);
    expect(stored.map((event) => `${event.type}:${event.object_id}`).sort()).toEqual(['object_click:guitar', 'page_view:']);
    await page.close();
  });
});
