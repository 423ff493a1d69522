// The session of standard telemetry that sends no `session.id` (src/accept/otlp-visitors.ts): made
// as the beacon's visitor id is, from the day's salt, the site, the request's address and the
// visitor's agent, so one agent's items share it and another agent's do not; an item that names
// no agent is counted under the empty one.
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { makeSpans, tracesBody } from './support/otel-requests.js';
import { BROWSER_UA, queryRows, testApp } from './support/test-app.js';

const OTHER_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';

describe('sessions of standard telemetry without session.id', () => {
  it("are one per site and agent, made from the agent and the request's address", async () => {
    const app: FastifyInstance = await testApp();
    try {
      const load = (path: string, agent?: string) => ({
        name: 'documentLoad',
        attributes: { 'url.full': `http://localhost:5173${path}`, ...(agent ? { 'user_agent.original': agent } : {}) },
      });
      const spans = makeSpans([load('/a', BROWSER_UA), load('/b', BROWSER_UA), load('/c', OTHER_UA), load('/d')], {
        'service.name': 'portfolio-web',
        'portfolio.site': 'portfolio',
      });
      const response = await app.inject({
        method: 'POST',
        url: '/v1/traces',
        headers: { 'content-type': 'application/json' },
        payload: tracesBody(spans, 'json'),
      });
      expect(response.json()).toEqual({});
      const rows = await queryRows<{ path: string; session_id: string }>(
        app,
        "SELECT path, session_id FROM events WHERE site = 'portfolio' AND type = 'page_view' ORDER BY path",
      );
      const session = (agent: string) => app.senders.visitorIds.idOf('session', 'portfolio', '127.0.0.1', agent);
      expect(rows).toEqual([
        { path: '/a', session_id: session(BROWSER_UA) },
        { path: '/b', session_id: session(BROWSER_UA) },
        { path: '/c', session_id: session(OTHER_UA) },
        { path: '/d', session_id: session('') },
      ]);
      expect(new Set(rows.map((row) => row.session_id)).size).toBe(3);
    } finally {
      await app.close();
    }
  });
});
