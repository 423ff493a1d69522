import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_UA, SITE_ORIGIN, beaconEvent, countOf, postBeacon, queryRows, testApp } from './support/test-app.js';

describe('POST /v1/beacon', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('stores a batch sent as text/plain and answers how many were accepted', async () => {
    const events = [
      beaconEvent({ session: 'batch-a', path: '/projects?utm_source=mail#top', referrer: 'https://news.example.org/item?id=1' }),
      beaconEvent({ session: 'batch-a', type: 'room_enter', room: 'studio' }),
      beaconEvent({ session: 'batch-a', type: 'object_click', object: 'guitar' }),
      beaconEvent({ session: 'batch-a', type: 'navigation', from: '/room', to: '/about' }),
      beaconEvent({ session: 'batch-a', type: 'time_spent', duration_ms: 4200, props: { visible: true, label: 'x', n: 3 } }),
    ];
    const response = await postBeacon(app, { site: 'portfolio', events });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ accepted: 5, duplicates: 0, refused: [] });

    const rows = await queryRows<Record<string, unknown>>(
      app,
      "SELECT type, path, referrer_host, object_id, room_id, nav_from, nav_to, duration_ms, props, device, browser, os, source, visitor_id FROM events WHERE session_id = 'batch-a' ORDER BY type",
    );
    expect(rows.map((row) => row.type)).toEqual(['navigation', 'object_click', 'page_view', 'room_enter', 'time_spent']);
    const byType = Object.fromEntries(rows.map((row) => [row.type, row]));
    expect(byType.page_view).toMatchObject({
      path: '/projects',
      referrer_host: 'news.example.org',
      device: 'desktop',
      browser: 'Chrome',
      os: 'Linux',
      source: 'beacon',
    });
    expect(byType.object_click).toMatchObject({ object_id: 'guitar', room_id: 'studio' });
    expect(byType.navigation).toMatchObject({ nav_from: '/room', nav_to: '/about' });
    expect(byType.time_spent).toMatchObject({ duration_ms: 4200, props: { visible: 'true', label: 'x', n: '3' } });
    expect(new Set(rows.map((row) => row.visitor_id)).size).toBe(1);
    expect(String(byType.page_view!.visitor_id)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('takes a single event naming its site, as JSON, on /track too', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/track',
      headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA },
      payload: beaconEvent({ site: 'portfolio', session: 'single' }),
    });
    expect(response.statusCode).toBe(202);
    expect(response.json().accepted).toBe(1);
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'single'")).toBe(1);
  });

  it('refuses each bad event with its reason and keeps the good ones', async () => {
    const now = Date.now();
    const bad = [
      beaconEvent({ type: 'teleport' }),
      beaconEvent({ type: 'object_click', object: 'tuba' }),
      beaconEvent({ type: 'object_click' }),
      beaconEvent({ type: 'room_enter', room: 'attic' }),
      beaconEvent({ ts: 'yesterday' }),
      beaconEvent({ ts: now - 25 * 3600_000 }),
      beaconEvent({ ts: now + 3600_000 }),
      beaconEvent({ props: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i])) }),
      beaconEvent({ site: 'someone-else' }),
      { type: 'page_view', ts: now },
      beaconEvent({ path: 'x'.repeat(600) }),
    ];
    const good = beaconEvent({ session: 'mixed' });
    const response = await postBeacon(app, { events: [...bad, good] });
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body.accepted).toBe(1);
    expect(body.refused.map((refusal: { reason: string }) => refusal.reason)).toEqual([
      'unknown_type',
      'unknown_object',
      'missing_field',
      'unknown_room',
      'invalid_field',
      'too_old',
      'in_future',
      'too_many_props',
      'unknown_site',
      'missing_field',
      'invalid_field',
    ]);
    expect(body.refused.map((refusal: { index: number }) => refusal.index)).toEqual(bad.map((_, index) => index));
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toMatch(/footfall_events_refused_total\{reason="unknown_object",source="beacon"\} 1/);
    expect(metrics).toMatch(/footfall_events_refused_total\{reason="missing_field",source="beacon"\} 2/);
  });

  it('answers 400 when nothing in the body is usable', async () => {
    const allBad = await postBeacon(app, { events: [beaconEvent({ type: 'teleport' })] });
    expect(allBad.statusCode).toBe(400);
    expect(allBad.json()).toMatchObject({ code: 'FOOTFALL_NOTHING_USABLE', message: expect.stringContaining('unknown_type') });

    const notJson = await postBeacon(app, '{"events": [');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().code).toBe('FOOTFALL_BAD_BEACON');

    const array = await postBeacon(app, [beaconEvent()]);
    expect(array.statusCode).toBe(400);

    const tooMany = await postBeacon(app, { events: Array.from({ length: 101 }, () => beaconEvent()) });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().message).toContain('100');
  });

  it('answers 413 above 64 KiB and 415 for other content types', async () => {
    const huge = await postBeacon(app, { events: [beaconEvent({ props: { big: 'x'.repeat(70_000) } })] });
    expect(huge.statusCode).toBe(413);

    const xml = await app.inject({ method: 'POST', url: '/v1/beacon', headers: { 'content-type': 'application/xml' }, payload: '<e/>' });
    expect(xml.statusCode).toBe(415);
  });

  it('refuses bots and counts them', async () => {
    const response = await postBeacon(
      app,
      { events: [beaconEvent(), beaconEvent()] },
      { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' },
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('bot');
    expect((await app.inject('/metrics')).body).toMatch(/footfall_events_refused_total\{reason="bot",source="beacon"\} 2/);
  });

  it('stores a Do Not Track or Global Privacy Control event without visitor or session id', async () => {
    for (const header of [{ dnt: '1' }, { 'sec-gpc': '1' }] as Array<Record<string, string>>) {
      const response = await postBeacon(app, { events: [beaconEvent({ session: 'private', path: '/private' })] }, header);
      expect(response.statusCode).toBe(202);
    }
    const rows = await queryRows<{ visitor_id: string; session_id: string }>(
      app,
      "SELECT visitor_id, session_id FROM events WHERE path = '/private'",
    );
    expect(rows).toEqual([
      { visitor_id: '', session_id: '' },
      { visitor_id: '', session_id: '' },
    ]);
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toContain('footfall_privacy_signals_total{signal="dnt",action="anonymised"} 1');
    expect(metrics).toContain('footfall_privacy_signals_total{signal="gpc",action="anonymised"} 1');
  });

  it('takes a request without a User-Agent, with an unknown device', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/beacon',
      // inject would send its own agent (which reads as a bot): an empty one stands for none.
      headers: { 'content-type': 'text/plain', 'user-agent': '' },
      payload: JSON.stringify({ events: [beaconEvent({ session: 'no-agent' })] }),
    });
    expect(response.statusCode).toBe(202);
    const rows = await queryRows(app, "SELECT device, browser FROM events WHERE session_id = 'no-agent'");
    expect(rows).toEqual([{ device: 'unknown', browser: 'unknown' }]);
  });

  it('never stores the client IP', async () => {
    await postBeacon(app, { events: [beaconEvent({ session: 'ip-check' })] }, { 'x-forwarded-for': '203.0.113.77' });
    const rows = await queryRows(app, "SELECT * FROM events WHERE session_id = 'ip-check'");
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toMatch(/127\.0\.0\.1|203\.0\.113\.77/);
  });

  it('answers CORS preflights for the catalog origins only', async () => {
    const preflight = (origin: string) =>
      app.inject({ method: 'OPTIONS', url: '/v1/beacon', headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight(SITE_ORIGIN)).headers['access-control-allow-origin']).toBe(SITE_ORIGIN);
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('privacy signals in drop mode', () => {
  it('drops the events and counts them', async () => {
    const app = await testApp({ privacySignalMode: 'drop' });
    try {
      const response = await postBeacon(app, { events: [beaconEvent()] }, { dnt: '1' });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toContain('privacy_signal');
      expect(await countOf(app, 'SELECT count() AS n FROM events')).toBe(0);
      expect((await app.inject('/metrics')).body).toContain('footfall_privacy_signals_total{signal="dnt",action="dropped"} 1');
    } finally {
      await app.close();
    }
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the per-IP limit', async () => {
    const app = await testApp({ rateLimitPerMinute: 3 });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof postBeacon>> | undefined;
      for (let i = 0; i < 5; i++) {
        last = await postBeacon(app, { events: [beaconEvent()] });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([202, 202, 202, 429, 429]);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      // Reads are not limited.
      expect((await app.inject('/healthz')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
