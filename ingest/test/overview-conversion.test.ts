// The overview page's goals, properties and the room's engagement path, and the catalog's labels
// in the room panel, in real Chromium, from visits sent as beacons and counted here from the events
// as generated; screenshots at desktop and phone widths go to reports/ (not tracked).
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../browser/test/support/chromium.js';
import {
  conversionCatalog,
  distinct,
  GOAL_REACHED,
  GOALS,
  OBJECTS,
  sendConversionVisits,
  type SentEvent,
} from './support/conversion-visits.js';
import { testApp } from './support/test-app.js';

const TOKEN = 'page-token-1';
const screenshot = (name: string) => fileURLToPath(new URL(`../../reports/${name}`, import.meta.url));

describe('the overview page: goals, properties, engagement path, labels', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let sent: SentEvent[];

  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN, catalogFile: conversionCatalog() });
    sent = await sendConversionVisits(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it.each([
    ['desktop', 1280, 'conversion.png'],
    ['phone', 390, 'conversion-phone.png'],
  ])('shows every goal, property and object path, objects by their labels (%s)', async (_name, width, file) => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${base}/?range=1h`);
    await page.fill('#token', TOKEN);
    await page.click('#token-form button[type=submit]');
    await page.locator('#overview').waitFor({ state: 'visible' });
    await page.locator('[data-conversion="goals"] .row').first().waitFor();
    const cells = (selector: string) =>
      page
        .locator(selector)
        .evaluateAll((items) => items.map((item) => [...item.querySelectorAll('.label, .num')].map((cell) => cell.textContent)));

    const visitors = distinct(sent, (e) => e.visitor).size;
    const goals = GOALS.map((goal) => {
      const reached = sent.filter(GOAL_REACHED[goal.name]!);
      const converted = distinct(reached, (e) => e.visitor).size;
      // Nothing was sent the hour before (the compared period): every goal reached is new.
      return [goal.name, String(converted), String(Math.round((converted / visitors) * 100)), String(reached.length), 'new'];
    });
    const shown = await cells('[data-conversion="goals"] .row');
    expect(shown.map(([label, ...values]) => [label!.replace(/(page|object|outbound|download|event) .*$/, ''), ...values])).toEqual(goals);

    const properties = await cells('[data-conversion="properties"] .row');
    const proSignups = sent.filter((e) => e.type === 'signup' && e.props?.plan === 'pro');
    expect(properties).toContainEqual([
      'plan = prosignup',
      String(distinct(proSignups, (e) => e.visitor).size),
      String(proSignups.length),
      'new',
    ]);

    // The path: the plant, seen and never clicked, first, by its label; every object by its label.
    const titles = await page.locator('.path-object h3').evaluateAll((items) => items.map((item) => item.firstChild?.textContent));
    expect(titles[0]).toBe(OBJECTS.plant);
    expect([...titles].sort()).toEqual(Object.values(OBJECTS).sort());
    expect(await page.locator('.path-object.seen-only').count()).toBe(1);
    expect(await page.locator('.path-next .chip.goal').count()).toBeGreaterThan(0);
    const roomLabels = await page.locator('#objects tbody .label').allTextContents();
    expect([...roomLabels].sort()).toEqual(Object.values(OBJECTS).sort());
    expect(await page.locator('#seen-never-clicked .chip').allTextContents()).toEqual([OBJECTS.plant]);

    // Nothing is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: screenshot(file), fullPage: true });

    // A goal's row narrows the page to the visits that converted.
    await page.locator('[data-conversion="goals"] .row', { hasText: 'GitHub' }).click();
    await page.waitForURL(/goal=GitHub/);
    const sessions = distinct(sent.filter(GOAL_REACHED.GitHub!), (e) => e.session);
    await page.locator('.filter[data-filter="goal"]').waitFor();
    // The filtered summary arrives after the click; a busy machine takes more than poll's default second.
    await expect
      .poll(async () => (await cells('[data-conversion="goals"] .row')).find(([label]) => label?.startsWith('GitHub'))?.[2], {
        timeout: 15_000,
      })
      .toBe('100');
    expect(sessions.size).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
