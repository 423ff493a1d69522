// A small, known set of visits for the read API's and the overview page's tests.
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { beaconEvent, postBeacon } from './test-app.js';

const DESKTOP_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const DESKTOP_FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const OWN = 'http://localhost:5173';

/**
 * Three visits in the last half hour and one 90 minutes ago (the previous period of `1h`):
 * - visit-1 (desktop Chrome): / from Hacker News, the room (sees guitar and laptop, clicks the guitar), /about, /contact
 * - visit-2 (iPhone Safari): / from Google, /about
 * - visit-3 (desktop Firefox): /projects only, no referrer (a bounce)
 * - visit-0: / an hour and a half ago
 */
export async function sendVisits(app: FastifyInstance): Promise<void> {
  const start = Date.now() - 30 * 60_000;
  const at = (seconds: number) => start + seconds * 1000;
  const visits: Array<[string, Array<Record<string, unknown>>]> = [
    [
      DESKTOP_CHROME,
      [
        beaconEvent({ session: 'visit-1', ts: at(0), path: '/', referrer: 'https://news.ycombinator.com/item?id=1' }),
        beaconEvent({ session: 'visit-1', ts: at(1), path: '/', type: 'room_enter', room: 'studio' }),
        beaconEvent({ session: 'visit-1', ts: at(2), path: '/', type: 'object_view', object: 'guitar' }),
        beaconEvent({ session: 'visit-1', ts: at(3), path: '/', type: 'object_click', object: 'guitar' }),
        beaconEvent({ session: 'visit-1', ts: at(3), path: '/', type: 'object_view', object: 'laptop' }),
        beaconEvent({ session: 'visit-1', ts: at(5), path: '/about', referrer: `${OWN}/` }),
        beaconEvent({ session: 'visit-1', ts: at(6), path: '/contact', referrer: `${OWN}/about` }),
        // Not in the catalog: refused, and its value kept for the owner.
        beaconEvent({ session: 'visit-1', ts: at(7), path: '/contact', type: 'object_click', object: 'cv-download' }),
      ],
    ],
    [
      IPHONE_SAFARI,
      [
        beaconEvent({ session: 'visit-2', ts: at(10), path: '/', referrer: 'https://www.google.com/' }),
        beaconEvent({ session: 'visit-2', ts: at(14), path: '/about', referrer: `${OWN}/` }),
      ],
    ],
    [DESKTOP_FIREFOX, [beaconEvent({ session: 'visit-3', ts: at(20), path: '/projects' })]],
    [DESKTOP_CHROME, [beaconEvent({ session: 'visit-0', ts: Date.now() - 90 * 60_000, path: '/' })]],
  ];
  for (const [userAgent, events] of visits) {
    expect((await postBeacon(app, { site: 'portfolio', events }, { 'user-agent': userAgent })).statusCode).toBe(202);
  }
  expect(await app.pipeline.flush(30_000)).toBe(true);
}
