// `npm run stack` gives the Collector the origins of COLLECTOR_CORS_ORIGINS besides the demo's:
// it used to fix them to the demo's, so an owner's site could not send through it.
import { describe, expect, it } from 'vitest';
import { collectorCorsOrigins } from '../../scripts/stack-options.js';
import { collectorEnv } from '../../stack/src/collector-process.js';

describe("the stack's Collector origins", () => {
  it("adds COLLECTOR_CORS_ORIGINS, as a YAML list or a plain one, to the demo's", () => {
    const demo = ['http://127.0.0.1:5173', 'http://localhost:5173'];
    expect(collectorCorsOrigins({}, 5173)).toEqual(demo);
    expect(collectorCorsOrigins({ COLLECTOR_CORS_ORIGINS: '[https://example.com, "https://www.example.com"]' }, 5173)).toEqual([
      ...demo,
      'https://example.com',
      'https://www.example.com',
    ]);
    expect(collectorCorsOrigins({ COLLECTOR_CORS_ORIGINS: 'https://example.com,http://localhost:5173' }, 5173)).toEqual([
      ...demo,
      'https://example.com',
    ]);
  });

  it('hands them to the Collector as the list its configuration reads', () => {
    const origins = collectorCorsOrigins({ COLLECTOR_CORS_ORIGINS: '[https://example.com]' }, 5173);
    const ports = { otlpHttp: 1, otlpGrpc: 2, health: 3, metrics: 4 };
    const env = collectorEnv({ ports, corsOrigins: origins, storageDir: 'queue', ingestEndpoint: 'http://127.0.0.1:8080' } as never);
    expect(JSON.parse(env.COLLECTOR_CORS_ORIGINS!)).toContain('https://example.com');
  });
});
