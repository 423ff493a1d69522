// Hotspots in real Chromium on a page of its own, beacons to the real ingest service on embedded
// ClickHouse: clicks at known places on any element give the selectors, counts and places they
// should (no input's value, no e-mail address); the heatmap link draws the clicks over the page
// under a strict Content-Security-Policy, its secret gone from the address bar; a policy whose
// connect-src leaves out the service is named on the overlay. Screenshot: reports/heatmap.png.
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../browser/test/support/chromium.js';
import { serveScriptTagPage, type ScriptTagPage } from '../../browser/test/support/script-tag-page.js';
import { freshDataDir, testApp } from './support/test-app.js';

const TOKEN = 'hotspots-owner-token';
const SCREENSHOT = fileURLToPath(new URL('../../reports/heatmap.png', import.meta.url));
const WIDTH = 1280;
const HEIGHT = 2000;

// Every place is fixed by a same-origin style sheet (a strict policy allows no inline style).
const css = `body{margin:0;height:${HEIGHT}px;position:relative;font:16px sans-serif}
#buy{position:absolute;left:100px;top:200px;width:200px;height:50px}
nav{position:absolute;left:600px;top:100px}
nav a{display:block;width:300px;height:30px}
.hero{position:absolute;left:0;top:400px;width:${WIDTH}px;height:200px;background:#eef}
form{position:absolute;left:900px;top:700px}
input{width:200px;height:30px}`;

const page = (endpoint: string) => `<!doctype html><title>Hotspots</title>
  <link rel="stylesheet" href="/site.css">
  <script src="/footfall.js" data-site="portfolio" data-endpoint="${endpoint}"></script>
  <button id="buy">Buy</button>
  <nav><a href="#more">Read more, write to me@example.com any time at all</a></nav>
  <div class="hero" data-test="hero"><p>Hero</p></div>
  <form><input name="email" value="visitor@example.com"></form>`;

/** Where each click lands (page pixels with the window at the top) and what it must be stored as. */
const CLICKS = [
  { x: 150, y: 220, times: 3, selector: '#buy', tag: 'button' },
  { x: 700, y: 115, times: 1, selector: 'nav>a "Read more, write to any time at"', tag: 'a' },
  { x: 640, y: 500, times: 2, selector: '[data-test="hero"]', tag: 'div' },
  { x: 1000, y: 715, times: 1, selector: 'form>input', tag: 'input' },
];
const percent = (part: number, whole: number) => Math.round((part / whole) * 100);

interface Hotspots {
  total_clicks: number;
  elements: Array<{ path: string; selector: string; tag: string; clicks: number; x: number | null; y: number | null }>;
  cells: Array<{ x: number; y: number; clicks: number }>;
}

describe('hotspots in Chromium', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let site: ScriptTagPage;
  let blockedSite: ScriptTagPage;
  let service: string;
  let secret: string;

  beforeAll(async () => {
    // The service's port is chosen first: the page names it as its endpoint and in its policy.
    const probe = await testApp();
    await probe.listen({ port: 0, host: '127.0.0.1' });
    const port = (probe.server.address() as AddressInfo).port;
    await probe.close();
    service = `http://127.0.0.1:${port}`;
    const files = { '/site.css': { headers: { 'content-type': 'text/css' }, body: css } };
    const strict = `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' ${service}`;
    site = await serveScriptTagPage({ page: page(`${service}/v1/beacon`), files, pageHeaders: { 'content-security-policy': strict } });
    blockedSite = await serveScriptTagPage({
      page: page(`${service}/v1/beacon`),
      files,
      pageHeaders: { 'content-security-policy': "default-src 'self'; style-src 'self'; connect-src 'self'" },
    });
    const dir = freshDataDir();
    const catalogFile = join(dir, 'catalog.json');
    writeFileSync(
      catalogFile,
      JSON.stringify({
        sites: [{ id: 'portfolio', origins: [site.url, blockedSite.url], rooms: [] }],
        eventTypes: ['page_view', 'time_spent', 'outbound', 'download', 'ui_click'],
      }),
    );
    app = await testApp({ statsToken: TOKEN, catalogFile });
    await app.listen({ port, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await blockedSite?.close();
    await app?.close();
  });

  const hotspots = async (query: string, authorization = `Bearer ${TOKEN}`): Promise<Hotspots> => {
    const response = await fetch(`${service}/api/hotspots?site=portfolio&range=24h&${query}`, { headers: { authorization } });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as Hotspots;
  };

  it('stores each click on any element with its selector, tag, place and viewport class', async () => {
    const context = await browser.newContext({ viewport: { width: WIDTH, height: 800 } });
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.goto(`${site.url}/shop`, { waitUntil: 'load' });
    // The lazy part is there once it has wrapped the public track.
    await tab.waitForFunction(() => [...document.scripts].some((script) => script.src.endsWith('/footfall-extra.js')));
    await tab.waitForTimeout(300);
    for (const click of CLICKS) for (let i = 0; i < click.times; i++) await tab.mouse.click(click.x, click.y);
    // Leaving the page sends what is left by sendBeacon.
    await tab.goto('about:blank');
    expect(errors).toEqual([]);

    const total = CLICKS.reduce((sum, click) => sum + click.times, 0);
    let answer = await hotspots('path=/shop&viewport=desktop');
    for (let tries = 0; answer.total_clicks < total && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      answer = await hotspots('path=/shop&viewport=desktop');
    }
    // Closed once the clicks arrived: closing it as it is left would drop its sends under way.
    await context.close();
    expect(answer.total_clicks).toBe(total);
    const expected = CLICKS.map((click) => ({
      path: '/shop',
      selector: click.selector,
      tag: click.tag,
      clicks: click.times,
      x: percent(click.x, WIDTH),
      y: percent(click.y, HEIGHT),
    }));
    const byClicks = (a: { clicks: number; selector: string }, b: { clicks: number; selector: string }) =>
      b.clicks - a.clicks || (a.selector < b.selector ? -1 : 1);
    expect(answer.elements).toEqual(expected.sort(byClicks));
    expect(answer.cells).toEqual(
      CLICKS.map((click) => ({ x: percent(click.x, WIDTH), y: percent(click.y, HEIGHT), clicks: click.times })).sort(
        (a, b) => a.x - b.x || a.y - b.y,
      ),
    );
    expect(JSON.stringify(answer)).not.toContain('example.com');
    // Another viewport class sees none of them.
    expect((await hotspots('path=/shop&viewport=phone')).total_clicks).toBe(0);
  });

  it('draws the heatmap over the live page under a strict Content-Security-Policy, the secret gone from the address bar', async () => {
    const made = await fetch(`${service}/api/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'read', site: 'portfolio', kind: 'share' }),
    });
    expect(made.status).toBe(201);
    secret = ((await made.json()) as { secret: string }).secret;
    const context = await browser.newContext({ viewport: { width: WIDTH, height: 800 } });
    const tab = await context.newPage();
    const requests: string[] = [];
    tab.on('request', (request) => requests.push(request.url()));
    tab.on('requestfailed', (request) => requests.push(`failed ${request.url()} ${request.failure()?.errorText}`));
    tab.on('pageerror', (error) => requests.push(`error ${error.message}`));
    const violations: string[] = [];
    const notes: string[] = [];
    tab.on('console', (message) => {
      notes.push(message.text());
      if (message.text().includes('Content Security Policy')) violations.push(message.text());
    });
    await tab.goto(`${site.url}/shop#footfall-heatmap=${secret}`, { waitUntil: 'load' });
    const layer = tab.locator('[data-footfall-heatmap="layer"]');
    // On failure, what the page said and asked for tells why.
    await expect.poll(() => layer.count(), { timeout: 10_000, message: [...notes, ...requests].join('\n') }).toBe(1);
    expect(tab.url()).toBe(`${site.url}/shop`);
    expect(requests.some((url) => url.includes(secret))).toBe(false);
    const discs = await layer.locator('div').evaluateAll((elements) =>
      elements.map((element) => {
        const box = element.getBoundingClientRect();
        return {
          x: Math.round(box.left + box.width / 2 + scrollX),
          y: Math.round(box.top + box.height / 2 + scrollY),
          clicks: Number(element.getAttribute('data-count')),
        };
      }),
    );
    // Each disc is centred on its cell: the clicked place within half a percent of the document.
    expect(discs).toHaveLength(CLICKS.length);
    for (const click of CLICKS) {
      const disc = discs.find((d) => Math.abs(d.x - click.x) <= WIDTH / 200 && Math.abs(d.y - click.y) <= HEIGHT / 200);
      expect(disc, `a disc at ${click.x},${click.y}`).toMatchObject({ clicks: click.times });
    }
    await expect.poll(() => tab.locator('[data-footfall-heatmap="panel"]').textContent()).toContain('7 clicks, desktop screens');
    expect(violations).toEqual([]);
    await tab.screenshot({ path: SCREENSHOT, fullPage: false });
    await context.close();
  });

  it('lists the most clicked elements on the overview, whose heatmap link opens the page with the overlay', async () => {
    const context = await browser.newContext({ viewport: { width: WIDTH, height: 900 } });
    const tab = await context.newPage();
    await tab.goto(`${service}/?range=24h#share=${secret}`);
    const section = tab.locator('#hotspots');
    await section.waitFor({ state: 'visible', timeout: 15_000 });
    const shown = await section
      .locator('.hotspot-element')
      .evaluateAll((items) =>
        items.map(
          (item) => `${item.querySelector('.hotspot-selector')?.textContent} ${item.querySelector('.hotspot-clicks')?.textContent}`,
        ),
      );
    expect(shown).toEqual(['#buy 3', '[data-test="hero"] 2', 'form>input 1', 'nav>a "Read more, write to any time at" 1']);
    const [opened] = await Promise.all([context.waitForEvent('page'), section.locator('.heatmap-link[data-path="/shop"]').click()]);
    await opened.locator('[data-footfall-heatmap="layer"]').waitFor({ state: 'attached', timeout: 10_000 });
    expect(await opened.locator('[data-footfall-heatmap="layer"] div').count()).toBe(CLICKS.length);
    expect(opened.url()).toBe(`${site.url}/shop`);
    await context.close();
  });

  it("says on the overlay when the page's policy does not let it reach the service", async () => {
    const context = await browser.newContext({ viewport: { width: WIDTH, height: 800 } });
    const tab = await context.newPage();
    await tab.goto(`${blockedSite.url}/shop#footfall-heatmap=${secret}`, { waitUntil: 'load' });
    const panel = tab.locator('[data-footfall-heatmap="panel"]');
    await expect
      .poll(() => panel.textContent(), { timeout: 10_000 })
      .toContain(`Content-Security-Policy (connect-src) does not allow ${service}`);
    expect(await tab.locator('[data-footfall-heatmap="layer"]').count()).toBe(0);
    expect(tab.url()).toBe(`${blockedSite.url}/shop`);
    await context.close();
  });
});
