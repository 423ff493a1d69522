// A site's catalog `origins` decide which browser pages may send for it: an event sent from a page
// (the request's Origin header) of another origin is refused as unknown_origin, counted, logged and
// answered with the origin; senders without an Origin header (servers, the Collector) are judged as before.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSpans, tracesBody } from './support/otel-requests.js';
import { beaconEvent, countOf, postBeacon, testApp } from './support/test-app.js';

const SHOP = 'https://shop.example.com';
const BLOG = 'https://blog.example.com';

function twoSiteCatalog(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-origins-')), 'catalog.json');
  writeFileSync(
    file,
    JSON.stringify({
      sites: [
        { id: 'shop', origins: [SHOP], rooms: [{ id: 'studio', objects: [{ id: 'guitar' }] }] },
        { id: 'blog', origins: [BLOG] },
        { id: 'backend' },
      ],
      eventTypes: ['page_view', 'object_click'],
    }),
  );
  return file;
}

async function refusedCounted(app: FastifyInstance, reason: string, source: string): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`footfall_events_refused_total{reason="${reason}",source="${source}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('catalog origins', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp({ catalogFile: twoSiteCatalog() });
  });
  afterAll(async () => {
    await app.close();
  });

  it("stores a page's events for its own site and refuses, per event, those for a site that does not list its origin", async () => {
    const events = [
      beaconEvent({ site: 'shop', session: 'origin-own' }),
      beaconEvent({ site: 'blog', session: 'origin-other' }),
      beaconEvent({ site: 'backend', session: 'origin-other' }),
    ];
    const response = await postBeacon(app, { events }, { origin: SHOP });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({
      accepted: 1,
      duplicates: 0,
      refused: [
        { index: 1, reason: 'unknown_origin', value: SHOP },
        { index: 2, reason: 'unknown_origin', value: SHOP },
      ],
    });
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'origin-own' AND site = 'shop'")).toBe(1);
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'origin-other'")).toBe(0);
  });

  it('refuses a page of an origin no site lists with 400, counts it and keeps the origin among the refused values', async () => {
    const before = await refusedCounted(app, 'unknown_origin', 'beacon');
    const response = await postBeacon(
      app,
      { site: 'shop', events: [beaconEvent(), beaconEvent()] },
      { origin: 'https://copycat.example.net' },
    );
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'FOOTFALL_NOTHING_USABLE',
      message: expect.stringMatching(/^no event in the body could be used: every event was refused \(2 unknown_origin\): add /),
    });
    expect((await refusedCounted(app, 'unknown_origin', 'beacon')) - before).toBe(2);
    expect(await app.refusedValues.list()).toContainEqual(
      expect.objectContaining({ reason: 'unknown_origin', value: 'https://copycat.example.net', count: 2 }),
    );
  });

  it('refuses the opaque origin "null" (a file:// page, a sandboxed frame)', async () => {
    const response = await postBeacon(app, { site: 'shop', events: [beaconEvent(), beaconEvent({ site: 'blog' })] }, { origin: 'null' });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('unknown_origin');
  });

  it('judges requests without an Origin header by the catalog alone, as from a server', async () => {
    const response = await postBeacon(app, {
      events: [beaconEvent({ site: 'backend', session: 'no-origin' }), beaconEvent({ site: 'blog', session: 'no-origin' })],
    });
    expect(response.json()).toEqual({ accepted: 2, duplicates: 0, refused: [] });
  });

  it('answers the refused value, cut to 64 characters: the unknown object, type, site or origin', async () => {
    const longOrigin = `https://${'a'.repeat(200)}.example.com`;
    const named = await postBeacon(
      app,
      {
        site: 'shop',
        events: [
          beaconEvent({ type: 'object_click', object: 'cv-download' }),
          beaconEvent({ type: 'signup' }),
          beaconEvent({ site: 'someone-else' }),
          beaconEvent({ type: 'object_click' }),
          beaconEvent(),
        ],
      },
      { origin: SHOP },
    );
    expect(named.json().refused).toMatchObject([
      { index: 0, reason: 'unknown_object', value: 'cv-download' },
      { index: 1, reason: 'unknown_type', value: 'signup' },
      { index: 2, reason: 'unknown_site', value: 'someone-else' },
      // A missing field's value is the field.
      { index: 3, reason: 'missing_field', value: 'object' },
    ]);
    const cut = await postBeacon(app, { site: 'shop', events: [beaconEvent(), beaconEvent()] }, { origin: longOrigin });
    expect(cut.statusCode).toBe(400);
    expect(await app.refusedValues.list()).toContainEqual(
      expect.objectContaining({ reason: 'unknown_origin', value: `${longOrigin.slice(0, 63)}…`, count: 2 }),
    );
  });

  it('refuses OTLP spans sent straight from a page of another origin, and takes them from the Collector (no Origin)', async () => {
    const spans = (session: string) =>
      makeSpans([
        {
          name: 'page_view',
          attributes: { 'portfolio.event.type': 'page_view', 'portfolio.site': 'shop', 'session.id': session, 'url.path': '/' },
        },
      ]);
    const post = (body: Buffer, headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/v1/traces', headers: { 'content-type': 'application/json', ...headers }, payload: body });

    const before = await refusedCounted(app, 'unknown_origin', 'otlp');
    const foreign = await post(tracesBody(spans('otlp-foreign'), 'json'), { origin: BLOG });
    expect(foreign.statusCode).toBe(200);
    // The answer names the refused value and what to do, as a beacon's does.
    expect(foreign.json().partialSuccess.rejectedSpans).toBe(1);
    expect(foreign.json().partialSuccess.errorMessage).toMatch(
      new RegExp(`^spans refused: 1 unknown_origin \\(\`${BLOG}\`: add \`${BLOG}\` to the origins of site \`shop\` in \`[^\`]+\`\\)$`),
    );
    expect((await refusedCounted(app, 'unknown_origin', 'otlp')) - before).toBe(1);

    expect((await post(tracesBody(spans('otlp-own'), 'json'), { origin: SHOP })).json()).toEqual({});
    expect((await post(tracesBody(spans('otlp-collector'), 'json'), {})).json()).toEqual({});
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id IN ('otlp-foreign', 'otlp-own', 'otlp-collector')")).toBe(
      2,
    );
  });

  it('still answers CORS preflights for every origin of the catalog, and for no other', async () => {
    const preflight = (origin: string) =>
      app.inject({ method: 'OPTIONS', url: '/v1/beacon', headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight(SHOP)).headers['access-control-allow-origin']).toBe(SHOP);
    expect((await preflight(BLOG)).headers['access-control-allow-origin']).toBe(BLOG);
    expect((await preflight('https://copycat.example.net')).headers['access-control-allow-origin']).toBeUndefined();
  });
});
