import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beaconEvent, postBeacon, testApp } from './support/test-app.js';

describe('the read API', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp({ statsToken: 'secret-token-1' });
    const visitors = [
      'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1',
    ];
    for (const [index, userAgent] of visitors.entries()) {
      const session = `reader-${index}`;
      const events = [
        beaconEvent({ session }),
        beaconEvent({ session, type: 'room_enter', room: 'studio' }),
        beaconEvent({ session, type: 'object_click', object: 'guitar' }),
        ...(index === 0
          ? [
              beaconEvent({ session, type: 'object_click', object: 'guitar' }),
              beaconEvent({ session, type: 'object_click', object: 'laptop' }),
            ]
          : []),
        beaconEvent({ session, type: 'page_view', ts: Date.now() - 2 * 3600_000 }),
      ];
      expect((await postBeacon(app, { events }, { 'user-agent': userAgent })).statusCode).toBe(202);
    }
    expect(await app.pipeline.flush(30_000)).toBe(true);
  });
  afterAll(async () => {
    await app.close();
  });

  const get = (url: string, token: string | null = 'secret-token-1') =>
    app.inject({ url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('summarises a range: counts, top objects, never-clicked objects, visitors', async () => {
    const response = await get('/api/stats?range=1h');
    expect(response.statusCode).toBe(200);
    const stats = response.json();
    expect(stats).toMatchObject({
      site: 'portfolio',
      range: '1h',
      total_events: 8,
      events_by_type: { page_view: 2, room_enter: 2, object_click: 4 },
      top_objects: [
        { object: 'guitar', label: 'Acoustic guitar', clicks: 3 },
        { object: 'laptop', label: 'Laptop', clicks: 1 },
      ],
      visitors: 2,
      active_visitors: 2,
      visits_last_minute: 2,
    });
    expect(stats.never_clicked).toEqual(['bookshelf', 'record-player', 'camera', 'plant', 'poster', 'desk-lamp']);
    expect(stats.recent_events).toHaveLength(8);

    const day = (await get('/api/stats')).json();
    expect(day.range).toBe('24h');
    expect(day.total_events).toBe(10);
  });

  it('lists the events of a session, newest first', async () => {
    const response = await get('/api/events?session=reader-1&type=object_click');
    expect(response.statusCode).toBe(200);
    const { events } = response.json();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ object_id: 'guitar', device: 'mobile', os: 'iOS' });
  });

  it('refuses requests without the token, and bad queries', async () => {
    expect((await get('/api/stats', null)).statusCode).toBe(401);
    expect((await get('/api/stats', 'wrong-token')).json().code).toBe('FOOTFALL_UNAUTHORIZED');
    expect((await get('/api/stats?range=1y')).statusCode).toBe(400);
    expect((await get('/api/stats?site=nobody')).statusCode).toBe(404);
    expect((await get('/api/events?limit=5000')).statusCode).toBe(400);
  });

  it('streams the summary as Server-Sent Events', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/api/stream?range=1h`, {
      headers: { authorization: 'Bearer secret-token-1', accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toMatch(/^event: stats$/m);
    const data = JSON.parse(/^data: (.*)$/m.exec(text)![1]!);
    expect(data.total_events).toBe(8);
  });
});

describe('health and metrics', () => {
  it('reports liveness, readiness and every documented series', async () => {
    const app = await testApp();
    try {
      expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
      expect((await app.inject('/readyz')).json()).toMatchObject({ status: 'ready', clickhouse: 'reachable', spool: 'has room' });
      await postBeacon(app, { events: [beaconEvent({ type: 'object_click', object: 'camera' })] });
      expect(await app.pipeline.flush(30_000)).toBe(true);
      const metrics = await app.inject('/metrics');
      expect(metrics.headers['content-type']).toContain('text/plain');
      for (const name of [
        'footfall_events_accepted_total{site="portfolio",type="object_click",source="beacon"} 1',
        'footfall_object_clicks_total{site="portfolio",object="camera"} 1',
        'footfall_batches_written_total{table="events"} 1',
        'footfall_rows_written_total{table="events"} 1',
        'footfall_write_duration_seconds_count{table="events"} 1',
        'footfall_buffer_rows{table="events"} 0',
        'footfall_spool_bytes 0',
        'footfall_http_requests_total{route="/v1/beacon",method="POST",status="202"} 1',
        'process_resident_memory_bytes',
      ]) {
        expect(metrics.body).toContain(name);
      }
    } finally {
      await app.close();
    }
  });
});
