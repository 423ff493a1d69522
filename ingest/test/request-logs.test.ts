// The service's log lines name a request by its route, never by its query string: a refused /api
// request whose query carries a secret leaves the secret in no line, and fastify's `req`
// serializer drops the query and the client's address of every request.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathOf, serializeRequest } from '../src/request-log.js';
import { testApp } from './support/test-app.js';

const SECRET = 'shared-link-s3cret-4f9a';
const TOKEN = 'the-stats-token';

/** Every line the app's logger writes, as written. */
const lines: string[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});
const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('log lines of requests', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp({ logLevel: 'info', statsToken: TOKEN }, { logStream });
  });
  afterAll(async () => {
    await app.close();
  });

  it('name the route of a refused /api request, and not its query', async () => {
    lines.length = 0;
    const unauthorized = await app.inject({ method: 'GET', url: `/api/stats?site=portfolio&token=${SECRET}` });
    expect(unauthorized.statusCode).toBe(401);
    const invalid = await app.inject({
      method: 'GET',
      url: `/api/stats?site=portfolio&range=${SECRET}`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(invalid.statusCode).toBe(400);
    const erasure = await app.inject({ method: 'DELETE', url: `/api/visitors/${SECRET}?token=${SECRET}` });
    expect(erasure.statusCode).toBe(401);

    const refused = logged().filter((line) => line.msg === 'request refused');
    expect(refused.map(({ status, method, route, path }) => ({ status, method, route, path }))).toEqual([
      { status: 401, method: 'GET', route: '/api/stats', path: undefined },
      { status: 400, method: 'GET', route: '/api/stats', path: undefined },
      { status: 401, method: 'DELETE', route: '/api/visitors/:id', path: undefined },
    ]);
    for (const line of lines) expect(line).not.toContain(SECRET);
  });

  it("serialize any request given as `req` without its query, through the app's own logger", () => {
    lines.length = 0;
    const request = {
      method: 'GET',
      url: `/api/events?site=portfolio&token=${SECRET}`,
      routeOptions: { url: '/api/events' },
      headers: {},
      host: 'localhost',
      ip: '198.51.100.7',
    };
    app.log.info({ req: request }, 'a request');
    expect(lines).toHaveLength(1);
    expect(logged()[0]).toMatchObject({ msg: 'a request', req: { method: 'GET', url: '/api/events', host: 'localhost' } });
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).not.toContain('198.51.100.7');
  });
});

describe('pathOf() and serializeRequest()', () => {
  it.each([
    ['/api/stats', '/api/stats'],
    ['/api/stats?site=a', '/api/stats'],
    ['/api/stats?', '/api/stats'],
    ['/?a?b', '/'],
    ['', ''],
  ])('%j is %j', (url, path) => {
    expect(pathOf(url)).toBe(path);
  });

  it("keeps fastify's fields but the client's address, the URL without its query", () => {
    const serialized = serializeRequest({
      method: 'POST',
      url: '/v1/beacon?k=v',
      routeOptions: {},
      headers: { 'accept-version': '1' },
      host: 'example.com',
      ip: '192.0.2.1',
      socket: { remotePort: 4000 },
    } as Parameters<typeof serializeRequest>[0]);
    expect(serialized).toEqual({
      method: 'POST',
      url: '/v1/beacon',
      version: '1',
      host: 'example.com',
    });
  });
});
