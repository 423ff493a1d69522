// /api/stats field by field, /api/funnel, CSV export and erasure, on the embedded engine with
// events sent as beacons and spans over OTLP, as in production.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_COLUMNS } from '../src/stats/events.js';
import { makeSpans, tracesBody } from './support/otel-requests.js';
import { countOf, testApp } from './support/test-app.js';
import { sendVisits } from './support/visits.js';

const TOKEN = 'owner-token-1';
/**
 * Rows written straight to a table, with a deduplication token of their own: the embedded
 * engine's session keeps the last insert's token (the pipeline's), and a later insert without one
 * would be taken for a repeat and dropped.
 */
async function insertRows(app: FastifyInstance, table: string, values: Array<Record<string, unknown>>): Promise<void> {
  await app.clickhouse.insert({ table, format: 'JSONEachRow', values, clickhouse_settings: { insert_deduplication_token: randomUUID() } });
}

describe('/api/stats', () => {
  let app: FastifyInstance;
  let stats: Record<string, any>;
  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN });
    await sendVisits(app);
    // Campaign and country columns are filled by the capture side; rows with them are written
    // straight to the table here, as that capture would store them.
    await insertRows(app, 'events', [
      {
        site: 'portfolio',
        type: 'page_view',
        ts: Date.now() - 60_000,
        event_id: 'evt-campaign-1',
        session_id: 'visit-4',
        visitor_id: 'visitor-4',
        source: 'beacon',
        path: '/projects',
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_campaign: 'launch',
        device: 'desktop',
        browser: 'Chrome',
        os: 'Linux',
        country: 'DE',
        received_at: Date.now(),
      },
    ]);
    const response = await app.inject({ url: '/api/stats?range=1h', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(200);
    stats = response.json();
  });
  afterAll(async () => {
    await app.close();
  });

  it('has the headline figures and those of the period before', () => {
    expect(stats).toMatchObject({ site: 'portfolio', range: '1h', visitors: 4, visits: 4, page_views: 7, room_entries: 1 });
    // visit-0: one page view, so a bounce of 0 s.
    expect(stats.previous).toEqual({ visitors: 1, visits: 1, page_views: 1, room_entries: 0, bounce_rate: 1, visit_duration_s: 0 });
    // visit-3 and visit-4: one page each, no room.
    expect(stats.bounce_rate).toBe(0.5);
    // visit-1 lasts 6 s (its refused last event is not stored), visit-2 4 s, the others 0 s.
    expect(stats.visit_duration_s).toBe(2.5);
  });

  // Each ranked row's change is against the hour before, which holds visit-0 alone (desktop
  // Chrome on Linux, one view of /): / has 2 views against 1, desktop 3 visitors against 1.
  it('ranks pages: most viewed, where visits begin and end, and the steps between them', () => {
    expect(stats.top_pages).toEqual([
      { path: '/', visitors: 2, views: 2, change: 1 },
      { path: '/about', visitors: 2, views: 2, change: null },
      { path: '/projects', visitors: 2, views: 2, change: null },
      { path: '/contact', visitors: 1, views: 1, change: null },
    ]);
    // visit-0 of the hour before entered and left on /: 2 visits entered there against 1.
    expect(stats.entry_pages).toEqual([
      { path: '/', visits: 2, change: 1 },
      { path: '/projects', visits: 2, change: null },
    ]);
    expect(stats.exit_pages).toEqual([
      { path: '/projects', visits: 2, change: null },
      { path: '/about', visits: 1, change: null },
      { path: '/contact', visits: 1, change: null },
    ]);
    expect(stats.flows).toEqual([
      { from: '/', to: '/about', count: 2, change: null },
      { from: '/about', to: '/contact', count: 1, change: null },
    ]);
  });

  it('names sources (never the site itself), campaigns, countries, devices and browsers', () => {
    expect(stats.sources).toEqual([
      { source: 'news.ycombinator.com', visitors: 1, change: null },
      { source: 'www.google.com', visitors: 1, change: null },
    ]);
    expect(stats.campaigns).toEqual([{ source: 'newsletter', medium: 'email', campaign: 'launch', visitors: 1, change: null }]);
    expect(stats.countries).toEqual([{ country: 'DE', visitors: 1, change: null }]);
    expect(stats.devices).toEqual([
      { device: 'desktop', visitors: 3, change: 2 },
      { device: 'mobile', visitors: 1, change: null },
    ]);
    expect(stats.browsers).toEqual([
      { browser: 'Chrome', visitors: 2, change: 1 },
      { browser: 'Firefox', visitors: 1, change: null },
      { browser: 'Safari', visitors: 1, change: null },
    ]);
    expect(stats.operating_systems).toEqual([
      { os: 'Linux', visitors: 3, change: 2 },
      { os: 'iOS', visitors: 1, change: null },
    ]);
  });

  it('shows the room: every object with views, clicks and rate; seen but never clicked', () => {
    expect(stats.objects).toHaveLength(8);
    expect(stats.objects.slice(0, 2)).toEqual([
      { object: 'guitar', label: 'Acoustic guitar', room: 'studio', room_label: 'studio', views: 1, clicks: 1, click_rate: 1 },
      { object: 'laptop', label: 'Laptop', room: 'studio', room_label: 'studio', views: 1, clicks: 0, click_rate: 0 },
    ]);
    expect(stats.objects[2]).toEqual({
      object: 'bookshelf',
      label: 'Bookshelf',
      room: 'studio',
      room_label: 'studio',
      views: 0,
      clicks: 0,
      click_rate: null,
    });
    expect(stats.top_objects).toEqual([{ object: 'guitar', label: 'Acoustic guitar', clicks: 1 }]);
    expect(stats.seen_never_clicked).toEqual(['laptop']);
    expect(stats.never_clicked).toEqual(['bookshelf', 'laptop', 'record-player', 'camera', 'plant', 'poster', 'desk-lamp']);
  });

  it('draws the range over time, one point a minute, empty minutes as zero', () => {
    expect(stats.timeseries_step_s).toBe(60);
    // 60 whole minutes and the current one, give or take the minute boundary.
    expect(stats.timeseries.length).toBeGreaterThanOrEqual(61);
    expect(stats.timeseries.length).toBeLessThanOrEqual(62);
    const sum = (field: string) => stats.timeseries.reduce((total: number, point: Record<string, number>) => total + point[field]!, 0);
    expect(sum('page_views')).toBe(7);
    expect(sum('room_entries')).toBe(1);
    const times = stats.timeseries.map((point: { time: number }) => point.time);
    expect(times.every((time: number, index: number) => index === 0 || time - times[index - 1] === 60)).toBe(true);
  });

  it('narrows every figure to the visits that match the filters', async () => {
    const get = async (query: string) =>
      (await app.inject({ url: `/api/stats?range=1h&${query}`, headers: { authorization: `Bearer ${TOKEN}` } })).json();
    const about = await get('page=/about');
    expect(about.filters).toEqual({ page: '/about' });
    expect(about).toMatchObject({ visitors: 2, visits: 2, page_views: 5, room_entries: 1 });
    expect(about.previous).toMatchObject({ visitors: 0, visits: 0, page_views: 0, room_entries: 0 });
    expect(about.top_pages.map((row: { path: string }) => row.path)).toEqual(['/', '/about', '/contact']);
    expect(about.sources).toEqual([
      { source: 'news.ycombinator.com', visitors: 1, change: null },
      { source: 'www.google.com', visitors: 1, change: null },
    ]);
    expect(about.seen_never_clicked).toEqual(['laptop']);
    // Both filters: the visit that came from Google and read /about.
    const both = await get('page=/about&source=www.google.com');
    expect(both).toMatchObject({ visitors: 1, visits: 1, page_views: 2, room_entries: 0, bounce_rate: 0 });
    expect(both.devices).toEqual([{ device: 'mobile', visitors: 1, change: null }]);
    expect(both.objects[0]).toMatchObject({ object: 'bookshelf', views: 0, clicks: 0 });
    expect((await get('country=DE')).top_pages).toEqual([{ path: '/projects', visitors: 1, views: 1, change: null }]);
    expect((await get('device=tablet')).visits).toBe(0);
  });

  it('lists refused events with the value that was refused', () => {
    expect(stats.refused).toEqual([
      {
        reason: 'unknown_object',
        value: 'cv-download',
        site: 'portfolio',
        count: 1,
        others: false,
        hint: expect.stringMatching(/^add object `cv-download` to a room of site `portfolio` in `.*catalog\.json`$/),
      },
    ]);
  });
});

describe('/api/funnel and CSV', () => {
  let app: FastifyInstance;
  const get = (url: string) => app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } });
  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN });
    await sendVisits(app);
  });
  afterAll(async () => {
    await app.close();
  });

  it('counts the visits that did the steps in this order', async () => {
    const response = await get('/api/funnel?range=1h&step=page_view:/&step=room_enter&step=object_click:guitar');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      site: 'portfolio',
      range: '1h',
      period: { from: expect.any(Number), to: null },
      time_zone: 'UTC',
      filters: {},
      compare: 'previous',
      // visit-0 of the hour before saw / and nothing more: 2 visits against 1, and no earlier step 2 or 3.
      steps: [
        { step: 'page_view:/', sessions: 2, change: 1 },
        { step: 'room_enter', sessions: 1, change: null },
        { step: 'object_click:guitar', sessions: 1, change: null },
      ],
      previous: {
        period: { from: expect.any(Number), to: expect.any(Number) },
        steps: [
          { step: 'page_view:/', sessions: 1 },
          { step: 'room_enter', sessions: 0 },
          { step: 'object_click:guitar', sessions: 0 },
        ],
      },
    });
    // The order matters: nobody went back to / after /about.
    const reversed = (await get('/api/funnel?range=1h&step=page_view:/about&step=page_view:/')).json();
    expect(reversed.steps).toEqual([
      { step: 'page_view:/about', sessions: 2, change: null },
      { step: 'page_view:/', sessions: 0, change: null },
    ]);
    // The 24 h range takes in visit-0 too.
    const day = (await get('/api/funnel?range=24h&step=page_view&step=page_view:/about')).json();
    expect(day.steps).toEqual([
      { step: 'page_view', sessions: 4, change: null },
      { step: 'page_view:/about', sessions: 2, change: null },
    ]);
  });

  it('refuses bad steps and parameters with what is allowed', async () => {
    const unknown = await get('/api/funnel?step=page_view&step=purchase');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('FOOTFALL_BAD_FUNNEL_STEP');
    expect(unknown.json().message).toContain('page_view, room_enter, room_exit, object_view, object_click, navigation, time_spent');
    expect((await get('/api/funnel?step=page_view&step=room_enter:')).json().message).toContain('target');
    const one = await get('/api/funnel?step=page_view');
    expect(one.statusCode).toBe(400);
    expect(one.json().message).toContain('must NOT have fewer than 2 items');
    const nine = await get(`/api/funnel?${Array.from({ length: 9 }, () => 'step=page_view').join('&')}`);
    expect(nine.statusCode).toBe(400);
    expect((await get('/api/funnel?step=page_view&step=page_view&format=xml')).json().message).toBe(
      'querystring.format must be one of json, csv',
    );
    expect((await get('/api/stats?range=1y')).json().message).toBe(
      'querystring.range must be one of 5m, 1h, 24h, 7d, 30d, today, yesterday, this_month, last_month, 12mo, all',
    );
  });

  it('exports a funnel and events as CSV with a header row', async () => {
    const funnel = await get('/api/funnel?range=1h&step=page_view:/&step=page_view:/about&format=csv');
    expect(funnel.statusCode).toBe(200);
    expect(funnel.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(funnel.body).toBe('step,sessions\r\npage_view:/,2\r\npage_view:/about,2\r\n');

    const events = await get('/api/events?session=visit-1&format=csv');
    expect(events.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = events.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(EVENT_COLUMNS.join(','));
    expect(lines).toHaveLength(1 + 7);
    // Newest first: /contact's page view.
    const first = Object.fromEntries(EVENT_COLUMNS.map((column, index) => [column, lines[1]!.split(',')[index]]));
    // A referrer on the site itself is the page before, never a source.
    expect(first).toMatchObject({
      type: 'page_view',
      session_id: 'visit-1',
      path: '/contact',
      referrer_host: '',
      nav_from: '/about',
      device: 'desktop',
    });
  });
});

describe('erasure', () => {
  let app: FastifyInstance;
  const remove = (url: string, token: string | null = TOKEN) =>
    app.inject({ method: 'DELETE', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN });
    await sendVisits(app);
    const spans = makeSpans([
      { name: 'page.view', attributes: { 'portfolio.event.type': 'page_view', 'session.id': 'visit-2', 'url.path': '/about' } },
      { name: 'page.view', attributes: { 'portfolio.event.type': 'page_view', 'session.id': 'visit-1', 'url.path': '/about' } },
    ]);
    const traces = await app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/json' },
      payload: tracesBody(spans, 'json'),
    });
    expect(traces.statusCode).toBe(200);
    // The browser tier puts no session id on data points; a point that carries one is written
    // directly, so erasure is shown to reach metric_points too.
    expect(await app.pipeline.flush(30_000)).toBe(true);
    await insertRows(
      app,
      'metric_points',
      ['visit-2', 'visit-1'].map((session) => ({
        point_id: `point-${session}`,
        site: 'portfolio',
        name: 'portfolio.web_vital.lcp',
        kind: 'gauge',
        ts: Date.now(),
        attributes: { 'session.id': session },
        value: 1200,
      })),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  it('erases every row of one session and nothing else', async () => {
    const before = await countOf(app, 'SELECT count() AS n FROM events');
    const response = await remove('/api/sessions/visit-2');
    expect(response.statusCode).toBe(200);
    // Two beacons' page views plus the span's event.
    expect(response.json()).toEqual({ id: 'visit-2', deleted: { events: 3, traces: 1, metric_points: 1, logs: 0, quarantined: 0 } });
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'visit-2'")).toBe(0);
    expect(await countOf(app, "SELECT count() AS n FROM otel_traces WHERE SpanAttributes['session.id'] = 'visit-2'")).toBe(0);
    expect(await countOf(app, "SELECT count() AS n FROM metric_points WHERE attributes['session.id'] = 'visit-2'")).toBe(0);
    expect(await countOf(app, 'SELECT count() AS n FROM events')).toBe(before - 3);
    expect(await countOf(app, "SELECT count() AS n FROM otel_traces WHERE SpanAttributes['session.id'] = 'visit-1'")).toBe(1);
    expect(await countOf(app, "SELECT count() AS n FROM metric_points WHERE attributes['session.id'] = 'visit-1'")).toBe(1);
    // Again: nothing left to erase.
    expect((await remove('/api/sessions/visit-2')).json().deleted).toEqual({
      events: 0,
      traces: 0,
      metric_points: 0,
      logs: 0,
      quarantined: 0,
    });
  });

  it('erases a visitor: every session of it, across its events, spans and points', async () => {
    const [row] = (await app.inject({ url: '/api/events?session=visit-3', headers: { authorization: `Bearer ${TOKEN}` } })).json().events;
    const visitor = row.visitor_id as string;
    const response = await remove(`/api/visitors/${visitor}`);
    expect(response.json()).toEqual({ id: visitor, deleted: { events: 1, traces: 0, metric_points: 0, logs: 0, quarantined: 0 } });
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'visit-3'")).toBe(0);
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'visit-1'")).toBe(8);
  });

  it('needs the token, and never erases the empty id of anonymised events', async () => {
    expect((await remove('/api/sessions/visit-1', null)).statusCode).toBe(401);
    expect((await remove('/api/sessions/visit-1', 'wrong-token-1')).json().code).toBe('FOOTFALL_UNAUTHORIZED');
    expect((await remove('/api/sessions/')).statusCode).toBe(400);
    expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'visit-1'")).toBe(8);
  });
});

describe('erasure without a token', () => {
  it('is refused outright while no token is set', async () => {
    const open = await testApp();
    try {
      const response = await open.inject({ method: 'DELETE', url: '/api/sessions/visit-1' });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'FOOTFALL_ERASURE_DISABLED' });
      expect(response.json().message).toContain('STATS_TOKEN');
    } finally {
      await open.close();
    }
  });
});
