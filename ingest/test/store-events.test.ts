// What the store (src/accept/store-events.ts) counts of a beacon's events besides storing them,
// through the real service on the embedded engine: followed links within the site or to no web
// address are counted by site and kind and never stored, and the property keys a site does not
// declare are dropped from kept events and counted on the refused list, each key by itself; clicks
// counted by object, no duplicate series before a duplicate, and one log line of what was refused.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricValue, sampleValue } from './support/prometheus-text.js';
import { beaconEvent, postBeacon, queryRows, SITE_ORIGIN, testApp } from './support/test-app.js';

/** Two sites; `shop` declares its property keys (`plan`), `blog` declares none (every key kept). */
function catalogFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-store-')), 'catalog.json');
  const catalog = {
    sites: [
      { id: 'shop', origins: [SITE_ORIGIN], props: ['plan'], rooms: [] },
      { id: 'blog', origins: ['https://blog.example'], rooms: [] },
    ],
    eventTypes: ['page_view', 'outbound'],
  };
  writeFileSync(file, JSON.stringify(catalog));
  return file;
}

describe('storing the events of a beacon', () => {
  it('counts followed links within the site and to no web address by site and kind, and stores none of them', async () => {
    const app = await testApp({ catalogFile: catalogFile() });
    try {
      const link = (site: string, to: string) => beaconEvent({ site, type: 'link_click', to });
      const events = [
        beaconEvent({ site: 'shop' }),
        link('shop', `${SITE_ORIGIN}/pricing`),
        link('shop', `${SITE_ORIGIN}/about#team`),
        link('shop', 'mailto:sales@shop.example'),
        link('blog', 'https://blog.example/archive'),
        link('shop', 'https://elsewhere.example/'),
      ];
      const response = await postBeacon(app, { events });
      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual({ accepted: 2, duplicates: 0, refused: [] });
      const links = (site: string, kind: string) => metricValue(app, 'footfall_link_clicks_not_stored_total', { site, link: kind });
      expect(await links('shop', 'internal')).toBe(2);
      expect(await links('shop', 'not_web')).toBe(1);
      expect(await links('blog', 'internal')).toBe(1);
      expect(await links('blog', 'not_web')).toBe(0);
      const stored = await queryRows<{ site: string; type: string }>(app, 'SELECT site, type FROM events ORDER BY type');
      expect(stored).toEqual([
        { site: 'shop', type: 'outbound' },
        { site: 'shop', type: 'page_view' },
      ]);
      expect(await metricValue(app, 'footfall_events_accepted_total', { site: 'shop', type: 'page_view', source: 'beacon' })).toBe(1);
      expect(await metricValue(app, 'footfall_events_accepted_total', { site: 'shop', type: 'outbound', source: 'beacon' })).toBe(1);
      expect(await metricValue(app, 'footfall_events_accepted_total', { site: 'shop', type: 'link_click', source: 'beacon' })).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('counts the accepted events of one request by site and type, and its clicks by site and object', async () => {
    const app = await testApp({ catalogFile: catalogFile() });
    try {
      const events = [
        beaconEvent({ site: 'shop' }),
        beaconEvent({ site: 'blog' }),
        beaconEvent({ site: 'shop' }),
        beaconEvent({ site: 'shop', type: 'outbound', to: 'https://elsewhere.example/' }),
        beaconEvent({ site: 'blog', type: 'link_click', to: 'https://away.example/x' }),
      ];
      expect((await postBeacon(app, { events })).json()).toEqual({ accepted: 5, duplicates: 0, refused: [] });
      const accepted = (site: string, type: string) => metricValue(app, 'footfall_events_accepted_total', { site, type, source: 'beacon' });
      expect(await accepted('shop', 'page_view')).toBe(2);
      expect(await accepted('blog', 'page_view')).toBe(1);
      // The link to another site is stored as `outbound`, counted as what it was stored as.
      expect(await accepted('shop', 'outbound')).toBe(1);
      expect(await accepted('blog', 'outbound')).toBe(1);
      expect(await accepted('blog', 'link_click')).toBe(0);
    } finally {
      await app.close();
    }
    const portfolio = await testApp({});
    try {
      const click = (object: string) => beaconEvent({ type: 'object_click', object });
      const events = [click('camera'), beaconEvent({ type: 'page_view' }), click('guitar'), click('camera'), click('camera')];
      expect((await postBeacon(portfolio, { site: 'portfolio', events })).json()).toMatchObject({ accepted: 5 });
      const clicks = (object: string) => metricValue(portfolio, 'footfall_object_clicks_total', { site: 'portfolio', object });
      expect([await clicks('camera'), await clicks('guitar')]).toEqual([3, 1]);
      const accepted = (type: string) =>
        metricValue(portfolio, 'footfall_events_accepted_total', { site: 'portfolio', type, source: 'beacon' });
      expect([await accepted('object_click'), await accepted('page_view')]).toEqual([4, 1]);
    } finally {
      await portfolio.close();
    }
  });

  it('keeps events without the keys their site does not declare, and lists each such key with its own count', async () => {
    const app = await testApp({ catalogFile: catalogFile() });
    try {
      const events = [
        beaconEvent({ site: 'shop', props: { plan: 'pro', coupon: 'x', ref: 'a' } }),
        beaconEvent({ site: 'shop', props: { plan: 'free', coupon: 'y' } }),
        beaconEvent({ site: 'blog', props: { coupon: 'z' } }),
      ];
      const response = await postBeacon(app, { events });
      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual({ accepted: 3, duplicates: 0, refused: [] });
      const stored = await queryRows<{ site: string; props: Record<string, string> }>(
        app,
        'SELECT site, props FROM events ORDER BY site, props',
      );
      expect(stored).toEqual([
        { site: 'blog', props: { coupon: 'z' } },
        { site: 'shop', props: { plan: 'free' } },
        { site: 'shop', props: { plan: 'pro' } },
      ]);
      const refused = await app.refusedValues.list();
      expect(refused.map(({ reason, value, site, count }) => ({ reason, value, site, count }))).toEqual([
        { reason: 'undeclared_prop', value: 'coupon', site: 'shop', count: 2 },
        { reason: 'undeclared_prop', value: 'ref', site: 'shop', count: 1 },
      ]);
    } finally {
      await app.close();
    }
  });

  it('counts clicks by object, duplicates only once there are any, and logs what was refused in one line', async () => {
    const lines: string[] = [];
    const app = await testApp({ logLevel: 'info' }, { logStream: { write: (line) => void lines.push(line) } });
    try {
      const click = (object: string) => beaconEvent({ type: 'object_click', object });
      const first = [click('camera'), click('guitar'), click('camera')];
      expect((await postBeacon(app, { site: 'portfolio', events: first })).json()).toEqual({ accepted: 3, duplicates: 0, refused: [] });
      expect(await metricValue(app, 'footfall_object_clicks_total', { site: 'portfolio', object: 'camera' })).toBe(2);
      expect(await metricValue(app, 'footfall_object_clicks_total', { site: 'portfolio', object: 'guitar' })).toBe(1);
      // No sample at all, not a 0: prom-client prints a labelled counter once it was touched.
      expect((await app.inject('/metrics')).body).not.toMatch(/^footfall_events_duplicate_total\{/m);
      const logged = () => lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'events refused');
      expect(logged()).toEqual([]);

      const missing = Array.from({ length: 12 }, (_, i) => click(`missing-${i}`));
      const again = await postBeacon(app, { site: 'portfolio', events: [first[0], ...missing] });
      expect(again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
      expect(sampleValue((await app.inject('/metrics')).body, 'footfall_events_duplicate_total', { source: 'beacon' })).toBe(1);
      const [line, ...more] = logged();
      expect(more).toEqual([]);
      expect(line).toMatchObject({ level: 30, source: 'beacon', refusedCount: 12 });
      expect(line.refused).toEqual(
        missing.slice(0, 10).map((_, i) => ({ index: i + 1, reason: 'unknown_object', value: `missing-${i}`, site: 'portfolio' })),
      );
    } finally {
      await app.close();
    }
  });
});
