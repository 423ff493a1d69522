// A shared link (`/#share=<secret>`) in real Chromium: it opens the overview of its one site
// without the token, the secret never travels in a URL (only in the Authorization header) and
// leaves the address bar at once, raw events stay closed to it, and once revoked the page says so.
// Its screenshot goes to reports/shared-link.png (not tracked).
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../browser/test/support/chromium.js';
import { testApp } from './support/test-app.js';
import { sendVisits } from './support/visits.js';

const TOKEN = 'share-page-token-1';
const SCREENSHOT = fileURLToPath(new URL('../../reports/shared-link.png', import.meta.url));

describe('a shared link', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  let share: { id: string; secret: string; link: string };
  const requests: { url: string; authorization: string | undefined }[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN });
    await sendVisits(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const made = await fetch(`${base}/api/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'read', site: 'portfolio', kind: 'share' }),
    });
    expect(made.status).toBe(201);
    share = (await made.json()) as typeof share;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (request) => requests.push({ url: request.url(), authorization: request.headers().authorization }));
    page.on('console', (message) => {
      // The revoked link's 401 is expected; any other error is a problem.
      if (message.type() === 'error' && !message.text().includes('401')) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('is built from the address the service was reached at, its secret in the fragment', () => {
    expect(share.link).toBe(`${base}/#share=${share.secret}`);
  });

  it('opens the figures of its site without the token, and takes the secret out of the address bar', async () => {
    await page.goto(`${share.link.replace('/#', '/?range=1h#')}`);
    await page.locator('#overview').waitFor({ state: 'visible' });
    expect(await page.locator('#token-form').isHidden()).toBe(true);
    const figure = (metric: string) => page.locator(`.figure[data-metric="${metric}"] .figure-value`).textContent();
    expect(await figure('visitors')).toBe('3');
    expect(await figure('page_views')).toBe('6');
    expect(await page.locator('#site option').allTextContents()).toEqual(['portfolio']);

    expect(page.url()).toBe(`${base}/?range=1h`);
    expect(await page.evaluate(() => location.hash)).toBe('');

    // The secret went to the service in the Authorization header only, never in a URL.
    const apiRequests = requests.filter((request) => new URL(request.url).pathname.startsWith('/api/'));
    expect(apiRequests.map((request) => new URL(request.url).pathname)).toEqual(
      expect.arrayContaining(['/api/sites', '/api/stats', '/api/stream']),
    );
    for (const request of apiRequests) expect(request.authorization).toBe(`Bearer ${share.secret}`);
    for (const request of requests) expect(request.url).not.toContain(share.secret);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
  });

  it('reads no raw events and erases nothing, even from the page that holds it', async () => {
    const answers = await page.evaluate(async (secret) => {
      const headers = { authorization: `Bearer ${secret}` };
      const events = await fetch('/api/events', { headers });
      const erase = await fetch('/api/visitors/anyone', { method: 'DELETE', headers });
      const keys = await fetch('/api/keys', { headers });
      return [events.status, erase.status, keys.status, ((await events.json()) as { code: string }).code];
    }, share.secret);
    expect(answers).toEqual([403, 403, 403, 'FOOTFALL_KEY_READ_ONLY']);
  });

  it('is cut off at once when revoked, its live stream included, and the page says so', async () => {
    const streamsBefore = requests.filter((request) => new URL(request.url).pathname === '/api/stream').length;
    const revoked = await fetch(`${base}/api/keys/${share.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(revoked.status).toBe(200);
    // No reload: the open stream is closed by the service, the page's reconnect (5 s) is refused.
    await page.locator('#notice').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('#notice').textContent()).toContain('This shared link no longer opens these figures');
    expect(await page.locator('#overview').isHidden()).toBe(true);
    expect(await page.locator('#token-form').isHidden()).toBe(true);
    expect(requests.filter((request) => new URL(request.url).pathname === '/api/stream').length).toBe(streamsBefore + 1);
  });
});
