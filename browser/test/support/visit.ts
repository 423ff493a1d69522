import { expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';

/** The eight objects of the default catalog's studio. */
export const STUDIO_OBJECTS = ['guitar', 'bookshelf', 'laptop', 'record-player', 'camera', 'plant', 'poster', 'desk-lamp'];
/** The objects the visit clicks, in order. */
export const CLICKED = ['guitar', 'laptop', 'plant'];

export interface Visit {
  session: string;
  /** Wall-clock time the visit took, an upper bound for any duration it reports. */
  elapsedMs: number;
  pageErrors: Error[];
  consoleErrors: string[];
  /** URLs of requests that failed (connection refused and the like). */
  failedRequests: string[];
  /** What the tracker's debug mode logged about events it could not send (`footfall <reason> ...`). */
  trackerNotes: string[];
}

export interface VisitOptions {
  /**
   * Visit with a browser that has no `navigator.sendBeacon` (older WebViews, some privacy
   * settings): the API is removed before any script of the page runs, so the tracker must fall
   * back to `fetch` with `keepalive`.
   */
  withoutSendBeacon?: boolean;
  /**
   * How the visitor leaves: called with the step that navigates the page away (pagehide), so a
   * test can make the service slow around it. By default the page just navigates away.
   */
  leave?: (goAway: () => Promise<void>) => Promise<void>;
}

type DemoWindow = Window & { footfallDemo: { roomReady: boolean; objectScreenPosition(id: string): { x: number; y: number } | undefined } };

/**
 * One visitor: home page, into the studio, looks around (objects on screen for over a second),
 * clicks three objects, goes to About, then Projects, then leaves (pagehide). Every step checks
 * the demo itself still works.
 */
export async function visitDemo(browser: Browser, demoUrl: string, options: VisitOptions = {}): Promise<Visit> {
  const started = Date.now();
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  if (options.withoutSendBeacon) {
    await page.addInitScript(() => {
      delete (Navigator.prototype as Partial<Navigator>).sendBeacon;
    });
  }
  const trackerNotes: string[] = [];
  const pageErrors: Error[] = [];
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  page.on('requestfailed', (request) => failedRequests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
    if (message.type() === 'debug' && message.text().startsWith('footfall')) trackerNotes.push(message.text());
  });
  await page.goto(`${demoUrl}/`);
  await expect.poll(() => page.textContent('h1')).toContain('Ada');
  await page.waitForTimeout(300);

  await page.click('a.cta');
  await page.waitForFunction(() => (window as unknown as DemoWindow).footfallDemo.roomReady, null, { timeout: 30_000 });
  await page.waitForTimeout(2500);
  for (const id of CLICKED) await clickObject(page, id);

  await page.click('nav a[href="/about"]');
  await expect.poll(() => page.textContent('#page h1')).toBe('About');
  await page.waitForTimeout(300);
  await page.click('nav a[href="/projects"]');
  await expect.poll(() => page.textContent('#projects')).toContain('Footfall');
  await page.waitForTimeout(300);

  const session = await page.evaluate(() => sessionStorage.getItem('footfall')?.split('.')[0] ?? '');
  const goAway = async () => {
    await page.goto('about:blank');
  };
  await (options.leave ?? ((step) => step()))(goAway);
  // The page stays open until the browser closes. Closing it would close its context, and Chromium
  // then drops that context's keepalive requests still under way (a CORS preflight, a late answer):
  // the exports made as the page was left, which a visitor's browser, still running, delivers.
  return { session, elapsedMs: Date.now() - started, pageErrors, consoleErrors, failedRequests, trackerNotes };
}

async function clickObject(page: Page, id: string): Promise<void> {
  const position = await page.evaluate((objectId) => (window as unknown as DemoWindow).footfallDemo.objectScreenPosition(objectId), id);
  if (!position) throw new Error(`the demo has no object ${id}`);
  await page.mouse.click(position.x, position.y);
  await expect.poll(() => page.textContent('#room-status')).toBe(`You clicked the ${id.replace('-', ' ')}.`);
}

/** What the visit must leave in the store, as `type path [detail]` lines, sorted. */
export function expectedEventLines(): string[] {
  return [
    'page_view /',
    'time_spent /',
    'navigation / /->/room',
    'page_view /room',
    'room_enter /room studio',
    ...STUDIO_OBJECTS.map((id) => `object_view /room ${id}`),
    ...CLICKED.map((id) => `object_click /room ${id}`),
    'time_spent /room',
    'navigation /room /room->/about',
    'page_view /about',
    'room_exit /about studio',
    'time_spent /about',
    'navigation /about /about->/projects',
    'page_view /projects',
    'time_spent /projects',
  ].sort();
}
