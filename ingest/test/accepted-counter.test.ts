import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { metricsBody } from './support/otel-requests.js';
import { metricValue } from './support/prometheus-text.js';
import { beaconEvent, postBeacon, testApp } from './support/test-app.js';

/** A test double for a failing disk: a file where the table's write-ahead log directory must be. */
function breakLog(app: FastifyInstance & { dataDir: string }, table: string): () => void {
  const dir = join(app.dataDir, 'wal', table);
  rmSync(dir, { recursive: true });
  writeFileSync(dir, '');
  return () => {
    rmSync(dir);
    mkdirSync(dir);
  };
}

describe('the accepted counters count only what the write-ahead log took', () => {
  it('leaves footfall_events_accepted_total and footfall_object_clicks_total alone when the log refuses the beacon', async () => {
    const app = await testApp();
    try {
      const repair = breakLog(app, 'events');
      const body = {
        events: [beaconEvent({ session: 'counted' }), beaconEvent({ type: 'object_click', object: 'camera', session: 'counted' })],
      };
      const refused = await postBeacon(app, body);
      expect(refused.statusCode).toBe(503);
      expect(refused.json().code).toBe('FOOTFALL_LOG_UNWRITABLE');
      const pageViews = { site: 'portfolio', type: 'page_view', source: 'beacon' };
      const clicks = { site: 'portfolio', type: 'object_click', source: 'beacon' };
      expect(await metricValue(app, 'footfall_events_accepted_total', pageViews)).toBe(0);
      expect(await metricValue(app, 'footfall_events_accepted_total', clicks)).toBe(0);
      expect(await metricValue(app, 'footfall_object_clicks_total', { site: 'portfolio', object: 'camera' })).toBe(0);

      repair();
      const retried = await postBeacon(app, body);
      expect(retried.statusCode).toBe(202);
      expect(retried.json()).toMatchObject({ accepted: 2, duplicates: 0 });
      expect(await metricValue(app, 'footfall_events_accepted_total', pageViews)).toBe(1);
      expect(await metricValue(app, 'footfall_events_accepted_total', clicks)).toBe(1);
      expect(await metricValue(app, 'footfall_object_clicks_total', { site: 'portfolio', object: 'camera' })).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('leaves footfall_browser_events_total alone when the log refuses the data points', async () => {
    const app = await testApp();
    try {
      const repair = breakLog(app, 'metric_points');
      const body = await metricsBody([{ type: 'object_click', object: 'guitar', value: 3 }], 'json');
      const post = () => app.inject({ method: 'POST', url: '/v1/metrics', headers: { 'content-type': 'application/json' }, payload: body });
      const guitar = { site: 'portfolio', type: 'object_click', object: 'guitar' };
      const refused = await post();
      expect(refused.statusCode).toBe(503);
      expect(refused.json().code).toBe('FOOTFALL_LOG_UNWRITABLE');
      expect(await metricValue(app, 'footfall_browser_events_total', guitar)).toBe(0);

      repair();
      expect((await post()).statusCode).toBe(200);
      expect(await metricValue(app, 'footfall_browser_events_total', guitar)).toBe(3);
    } finally {
      await app.close();
    }
  });
});
