import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { BROWSER_UA, beaconEvent, testApp } from './support/test-app.js';

const CLIENT = '198.51.100.20';

/** An empty OTLP/JSON export request (valid, nothing in it) from `remoteAddress`. */
const postOtlp = (app: FastifyInstance, url: string, remoteAddress = CLIENT) =>
  app.inject({ method: 'POST', url, remoteAddress, headers: { 'content-type': 'application/json' }, payload: '{}' });

describe('the OTLP rate limit (RATE_LIMIT_OTLP_PER_MINUTE)', () => {
  it('is one bucket per client across /v1/traces, /v1/metrics and /v1/logs', async () => {
    const app = await testApp({ rateLimitOtlpPerMinute: 3, rateLimitPerMinute: 5 });
    try {
      const spent = [];
      for (let request = 0; request < 3; request++) spent.push((await postOtlp(app, '/v1/traces')).statusCode);
      expect(spent).toEqual([200, 200, 200]);

      // The allowance went on traces: none is left for logs or metrics.
      for (const url of ['/v1/logs', '/v1/metrics', '/v1/traces']) {
        const refused = await postOtlp(app, url);
        expect(refused.statusCode, url).toBe(429);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        expect(refused.headers['x-ratelimit-limit']).toBe('3');
      }

      // Another client has its own bucket, and the beacon surface keeps its own allowance.
      expect((await postOtlp(app, '/v1/logs', '198.51.100.21')).statusCode).toBe(200);
      const beacon = await app.inject({
        method: 'POST',
        url: '/v1/beacon',
        remoteAddress: CLIENT,
        headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA },
        payload: JSON.stringify(beaconEvent()),
      });
      expect(beacon.statusCode).toBe(202);
    } finally {
      await app.close();
    }
  });

  it('counts logs and metrics against the budget traces then find spent', async () => {
    const app = await testApp({ rateLimitOtlpPerMinute: 2 });
    try {
      expect((await postOtlp(app, '/v1/logs')).statusCode).toBe(200);
      expect((await postOtlp(app, '/v1/metrics')).statusCode).toBe(200);
      expect((await postOtlp(app, '/v1/traces')).statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });
});
