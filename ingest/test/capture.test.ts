// What the owner's views need is captured at ingest: campaign parameters of the landing page view
// (beacon fields and OTLP attributes), the visitor's country from the client address (which is
// never stored), and a referrer on the site's own origins recorded as the step between two pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BROWSER_UA, beaconEvent, postBeacon, queryRows, SITE_ORIGIN, testApp } from './support/test-app.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app?.close();
});

type Stored = Record<string, string>;
const storedEvent = async (id: string): Promise<Stored> => {
  const rows = await queryRows<Stored>(
    app,
    `SELECT referrer_host, nav_from, country, utm_source, utm_medium, utm_campaign, utm_term, utm_content FROM events WHERE event_id = '${id}'`,
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
};

describe('campaigns', () => {
  it('stores the five utm_* fields of a beacon page view', async () => {
    const event = beaconEvent({
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'launch-2026',
      utm_term: 'three.js portfolio',
      utm_content: 'header-link',
    });
    expect((await postBeacon(app, { site: 'portfolio', events: [event] })).statusCode).toBe(202);
    expect(await storedEvent(event.id as string)).toMatchObject({
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'launch-2026',
      utm_term: 'three.js portfolio',
      utm_content: 'header-link',
    });
  });

  it('refuses a utm_* field over 128 characters as invalid_field', async () => {
    const response = await postBeacon(app, { site: 'portfolio', events: [beaconEvent(), beaconEvent({ utm_source: 'x'.repeat(129) })] });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ accepted: 1, refused: [{ index: 1, reason: 'invalid_field' }] });
  });

  it('maps portfolio.utm.* span attributes to the same columns', async () => {
    const spanId = 'a1b2c3d4e5f60718';
    const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const nowNs = `${Date.now()}000000`;
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [attribute('service.name', 'footfall-web'), attribute('portfolio.site', 'portfolio')] },
          scopeSpans: [
            {
              scope: { name: 'footfall' },
              spans: [
                {
                  traceId: '0123456789abcdef0123456789abcdef',
                  spanId,
                  name: 'page_view',
                  kind: 1,
                  startTimeUnixNano: nowNs,
                  endTimeUnixNano: nowNs,
                  attributes: [
                    attribute('portfolio.event.type', 'page_view'),
                    attribute('session.id', 'session-otlp'),
                    attribute('url.path', '/'),
                    attribute('user_agent.original', BROWSER_UA),
                    attribute('portfolio.utm.source', 'mastodon'),
                    attribute('portfolio.utm.campaign', 'spring'),
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA },
      payload: JSON.stringify(body),
    });
    expect(response.statusCode).toBe(200);
    expect(await storedEvent(spanId)).toMatchObject({ utm_source: 'mastodon', utm_medium: '', utm_campaign: 'spring' });
  });
});

describe('countries', () => {
  const fromAddress = (remoteAddress: string, event: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/v1/beacon',
      remoteAddress,
      headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA },
      payload: JSON.stringify({ site: 'portfolio', events: [event] }),
    });

  it('looks the country up from the client address, IPv4, IPv4-mapped and IPv6 alike', async () => {
    const cases: Array<[string, string]> = [
      ['8.8.8.8', 'US'],
      ['::ffff:81.2.69.160', 'GB'],
      ['2a00:1450:4001:80b::200e', 'IE'],
      ['127.0.0.1', ''],
    ];
    for (const [address, country] of cases) {
      const event = beaconEvent();
      expect((await fromAddress(address, event)).statusCode).toBe(202);
      expect((await storedEvent(event.id as string)).country, address).toBe(country);
    }
  });

  it('stores no address anywhere in the row', async () => {
    const event = beaconEvent();
    await fromAddress('81.2.69.160', event);
    const [row] = await queryRows<Record<string, unknown>>(app, `SELECT * FROM events WHERE event_id = '${event.id}'`);
    expect(JSON.stringify(row)).not.toContain('81.2.69');
  });
});

describe('steps between pages', () => {
  it('takes a referrer on the site own origin as the page before, never as a source', async () => {
    const event = beaconEvent({ path: '/about', referrer: `${SITE_ORIGIN}/projects?tab=3d#top` });
    await postBeacon(app, { site: 'portfolio', events: [event] });
    expect(await storedEvent(event.id as string)).toMatchObject({ referrer_host: '', nav_from: '/projects' });
  });

  it('keeps another site referrer as a source, with no step', async () => {
    const event = beaconEvent({ path: '/about', referrer: 'https://news.ycombinator.com/item?id=1' });
    await postBeacon(app, { site: 'portfolio', events: [event] });
    expect(await storedEvent(event.id as string)).toMatchObject({ referrer_host: 'news.ycombinator.com', nav_from: '' });
  });

  it('prefers the from the page sent over its referrer', async () => {
    const event = beaconEvent({ path: '/contact', from: '/about', referrer: `${SITE_ORIGIN}/` });
    await postBeacon(app, { site: 'portfolio', events: [event] });
    expect(await storedEvent(event.id as string)).toMatchObject({ referrer_host: '', nav_from: '/about' });
  });
});
