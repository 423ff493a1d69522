// The read API's bounds (issue 14): one rate-limit bucket per client across /api, capped live
// streams in all and per client, one summary computation shared by every stream, the token
// compared in constant time and required beyond loopback.
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { Stats } from '../src/stats/stats.js';
import { StatsFeed } from '../src/live/stats-feed.js';
import { tokenMatcher } from '../src/auth/token.js';
import { testApp } from './support/test-app.js';

const TOKEN = 'limits-token-1';

describe('rate limit and streams', () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    // trustProxy lets the test speak as several clients through X-Forwarded-For.
    app = await testApp({ statsToken: TOKEN, apiRateLimitPerMinute: 6, streamMaxTotal: 3, streamMaxPerClient: 2, trustProxy: true });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
  });

  const open: AbortController[] = [];
  afterEach(async () => {
    for (const controller of open.splice(0)) controller.abort();
    // The service releases a slot when it sees the connection close.
    for (let tries = 0; app.streamSlots.open > 0 && tries < 500; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  });

  /** Opens a stream as `client` and reads up to its first summary; returns the response when refused. */
  async function stream(client: string): Promise<{ status: number; body: Record<string, any> }> {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/stream?range=1h`, {
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream', 'x-forwarded-for': client },
      signal: controller.signal,
    });
    if (response.status !== 200) return { status: response.status, body: (await response.json()) as Record<string, any> };
    open.push(controller);
    const reader = response.body!.getReader();
    let text = '';
    while (!/^data: .*$/m.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    return { status: 200, body: JSON.parse(/^data: (.*)$/m.exec(text)![1]!) as Stats };
  }

  it('caps live streams per client and in all, with a 429 that says which cap', async () => {
    expect((await stream('10.0.0.1')).status).toBe(200);
    expect((await stream('10.0.0.1')).status).toBe(200);
    const third = await stream('10.0.0.1');
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ code: 'FOOTFALL_TOO_MANY_STREAMS' });
    expect(third.body.message).toContain('STREAM_MAX_PER_CLIENT');
    expect((await stream('10.0.0.2')).status).toBe(200);
    const fourth = await stream('10.0.0.3');
    expect(fourth.status).toBe(429);
    expect(fourth.body.message).toContain('STREAM_MAX_TOTAL');
    expect(app.streamSlots.open).toBe(3);
  });

  it('computes the summary once for every stream of the same site and range', async () => {
    // The previous test's streams left a summary to reuse: start from none.
    app.statsFeed.forget();
    const before = app.statsFeed.computations;
    const first = await stream('10.0.1.1');
    const others = await Promise.all([stream('10.0.1.2'), stream('10.0.1.3')]);
    expect(others.map((other) => other.status)).toEqual([200, 200]);
    // The streams joined within one interval (5 s): they were handed the same computation.
    expect(app.statsFeed.computations - before).toBe(1);
    expect(others.map((other) => other.body)).toEqual([first.body, first.body]);
  });

  it('limits /api requests per client, one bucket across its routes', async () => {
    const get = (url: string, client: string) =>
      app.inject({ url, headers: { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': client } });
    for (const url of ['/api/stats', '/api/events', '/api/sites', '/api/stats', '/api/events', '/api/sites']) {
      expect((await get(url, '10.0.2.1')).statusCode).toBe(200);
    }
    const refused = await get('/api/funnel?step=page_view&step=room_enter', '10.0.2.1');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.json()).toMatchObject({ code: 'FOOTFALL_API_RATE_LIMITED' });
    expect(refused.json().message).toContain('more than 6 read API requests in a minute');
    // A wrong token counts too: guessing costs requests like anything else.
    expect(
      (await app.inject({ url: '/api/stats', headers: { authorization: 'Bearer guess-1234', 'x-forwarded-for': '10.0.2.1' } })).statusCode,
    ).toBe(429);
    // Another client has its own bucket.
    expect((await get('/api/stats', '10.0.2.2')).statusCode).toBe(200);
  });
});

describe('StatsFeed', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  // Fake timers stand in for the clock: the test counts computations per interval exactly.
  it('runs one computation per interval for any number of listeners, and skips a tick while one runs', async () => {
    vi.useFakeTimers();
    let computations = 0;
    let release: (() => void) | undefined;
    const compute = async () => {
      computations += 1;
      if (computations === 3) await new Promise<void>((resolve) => (release = resolve));
      return { total_events: computations } as unknown as Stats;
    };
    const feed = new StatsFeed(compute, 1000, (error) => {
      throw error;
    });
    const received: number[][] = Array.from({ length: 10 }, () => []);
    const leave = received.map((list) => feed.subscribe({ site: 'portfolio', range: '1h' }, (stats) => list.push(stats.total_events)));
    await vi.advanceTimersByTimeAsync(0);
    expect(computations).toBe(1);
    expect(received.every((list) => list.join() === '1')).toBe(true);

    await vi.advanceTimersByTimeAsync(1000);
    expect(computations).toBe(2);
    // The third computation hangs; two more ticks find it running and start nothing.
    await vi.advanceTimersByTimeAsync(3000);
    expect(computations).toBe(3);
    release!();
    await vi.advanceTimersByTimeAsync(0);
    expect(received.every((list) => list.join() === '1,2,3')).toBe(true);

    for (const unsubscribe of leave) unsubscribe();
    expect(feed.size).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(computations).toBe(3);
  });
});

describe('StatsFeed reuse', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  // Fake timers stand in for the clock (Date.now included).
  it('answers requests from the last summary for one interval, never streams, and forgets on demand', async () => {
    vi.useFakeTimers();
    let computations = 0;
    const feed = new StatsFeed(
      async () => ({ total_events: ++computations }) as unknown as Stats,
      1000,
      (error) => {
        throw error;
      },
    );
    const query = { site: 'portfolio', range: '1h' };
    expect((await feed.current(query)).total_events).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect((await feed.current(query)).total_events).toBe(1);
    // Other filters are another summary.
    expect((await feed.current({ ...query, filters: { page: '/about' } })).total_events).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect((await feed.current(query)).total_events).toBe(3);

    // A stream opened now starts from that answer; its ticks always compute.
    const received: number[] = [];
    const leave = feed.subscribe(query, (stats) => received.push(stats.total_events));
    await vi.advanceTimersByTimeAsync(1000);
    expect(received).toEqual([3, 4]);
    leave();

    feed.forget();
    expect((await feed.current(query)).total_events).toBe(5);
    feed.close();
  });
});

describe('the token', () => {
  it('matches only the exact header, whatever its length', () => {
    const matches = tokenMatcher('s3cret-token');
    expect(matches('Bearer s3cret-token')).toBe(true);
    expect(matches('Bearer s3cret-tokeN')).toBe(false);
    expect(matches('Bearer s3cret')).toBe(false);
    expect(matches('s3cret-token')).toBe(false);
    expect(matches(undefined)).toBe(false);
  });

  it('is required when the service listens beyond loopback', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(
      /HOST=0\.0\.0\.0 listens beyond this machine, so STATS_TOKEN is required.*openssl rand -hex 24/,
    );
    expect(() => loadConfig({ HOST: '192.168.1.20' })).toThrow(/STATS_TOKEN is required/);
    expect(loadConfig({ HOST: '0.0.0.0', STATS_TOKEN: 'long-enough-token' }).statsToken).toBe('long-enough-token');
    for (const host of ['127.0.0.1', '::1', 'localhost', '127.0.0.2']) expect(loadConfig({ HOST: host }).statsToken).toBeUndefined();
  });

  it('keeps the service from starting without it beyond loopback, saying how to set it', () => {
    const server = fileURLToPath(new URL('../src/server.ts', import.meta.url));
    const { HOME, PATH } = process.env;
    const run = spawnSync(process.execPath, ['--import', 'tsx', server], {
      env: { HOME, PATH, HOST: '0.0.0.0', PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('STATS_TOKEN is required');
  });
});
