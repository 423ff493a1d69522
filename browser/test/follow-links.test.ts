/**
 * Outbound links and downloads without tagging, in real Chromium on a page of its own: links to
 * this host, to another host (`localhost` against the page's `127.0.0.1`), to a PDF the server
 * sends as an attachment (a real download), and one opted out by an ancestor's
 * `data-footfall-ignore`; followed by the left button, the middle one, ctrl-click and Enter. The
 * lazy part is slow: clicks made before it arrived are judged when it does.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBeaconSink, type BeaconSink } from './support/beacon-sink.js';
import { launchChromium } from './support/chromium.js';
import { serveScriptTagPage, type ScriptTagPage } from './support/script-tag-page.js';

let browser: Browser;
let sink: BeaconSink;
let site: ScriptTagPage | undefined;

const page = (endpoint: string, port: number, flags = '') => `<!doctype html><title>Links</title>
  <script src="/footfall.js" data-site="portfolio" data-endpoint="${endpoint}" ${flags}></script>
  <a id="home" href="/about?tab=1">About (this site)</a>
  <a id="github" href="http://localhost:${port}/someone?utm_source=x#top">GitHub (another host)</a>
  <a id="cv" href="/files/cv.pdf?v=3">CV (a file)</a>
  <a id="notes" href="/files/notes.key">Notes (a file of the site's own list)</a>
  <a id="mail" href="mailto:me@example.com">Mail</a>
  <p data-footfall-ignore><a id="private" href="http://localhost:${port}/private">Opted out</a></p>`;

const pdf = { headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="cv.pdf"' }, body: '%PDF-1.4\n' };

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await sink?.close();
  await site?.close();
  site = undefined;
});

async function open(options: { extraDelayMs?: number; flags?: string }): Promise<Page> {
  sink = await startBeaconSink();
  // The beacon sink stands for another host: links to it are outbound.
  const other = new URL(sink.endpoint).port;
  site = await serveScriptTagPage({
    page: page(sink.endpoint, Number(other), options.flags),
    extraDelayMs: options.extraDelayMs,
    files: { '/files/cv.pdf': pdf },
  });
  const context = await browser.newContext({ acceptDownloads: true });
  const tab = await context.newPage();
  await tab.goto(`${site.url}/`, { waitUntil: 'load' });
  return tab;
}

const links = (events: { type: string; to?: string }[]) =>
  events.filter((event) => event.type === 'outbound' || event.type === 'download').map((event) => `${event.type} ${event.to}`);

describe('followed links', () => {
  it('clicked before the slow lazy part arrived are judged when it does: middle click, ctrl-click, none opted out', {
    timeout: 60_000,
  }, async () => {
    const tab = await open({ extraDelayMs: 2000 });
    const other = new URL(sink.endpoint).port;
    await tab.click('#github', { button: 'middle' });
    await tab.click('#cv', { modifiers: ['Control'] });
    await tab.click('#home', { modifiers: ['Control'] });
    await tab.click('#private', { button: 'middle' });
    await tab.click('#mail', { button: 'right' });
    await expect
      .poll(() => links(sink.events()), { timeout: 10_000 })
      .toEqual([`outbound http://localhost:${other}/someone`, `download ${site!.url}/files/cv.pdf`]);
    await tab.context().close();
  });

  it("a real download, the site's own list, and Enter on a link that leaves the page", { timeout: 60_000 }, async () => {
    const tab = await open({ flags: 'data-downloads="pdf|key"' });
    const other = new URL(sink.endpoint).port;
    await expect.poll(() => site!.extraRequests()).toBe(1);
    await tab.waitForFunction(() => document.querySelectorAll('script[src$="footfall-extra.js"]').length === 1);
    const downloaded = tab.waitForEvent('download');
    await tab.click('#cv');
    expect((await downloaded).suggestedFilename()).toBe('cv.pdf');
    await tab.click('#notes', { modifiers: ['Control'] });
    await tab.focus('#github');
    await Promise.all([tab.waitForURL(/localhost/), tab.keyboard.press('Enter')]);
    await expect
      .poll(() => links(sink.events()), { timeout: 10_000 })
      .toEqual([
        `download ${site!.url}/files/cv.pdf`,
        `download ${site!.url}/files/notes.key`,
        `outbound http://localhost:${other}/someone`,
      ]);
    await tab.context().close();
  });
});
