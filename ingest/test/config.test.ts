import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      clickhouseUrl: undefined,
      rateLimitPerMinute: 1200,
      rateLimitOtlpPerMinute: 12_000,
      privacySignalMode: 'anonymise',
    });
    expect(config.catalogFile).toMatch(/catalog\.json$/);
  });

  it('reads and converts the documented variables', () => {
    const config = loadConfig({
      PORT: '9000',
      CLICKHOUSE_URL: 'http://ch:8123/analytics',
      RATE_LIMIT_PER_MINUTE: '0',
      TRUST_PROXY: '1',
      PRIVACY_SIGNAL_MODE: 'drop',
    });
    expect(config).toMatchObject({
      port: 9000,
      clickhouseUrl: 'http://ch:8123/analytics',
      rateLimitPerMinute: 0,
      trustProxy: 1,
      privacySignalMode: 'drop',
    });
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ BATCH_SIZE: '0' })).toThrow(/BATCH_SIZE/);
    expect(() => loadConfig({ PRIVACY_SIGNAL_MODE: 'ignore' })).toThrow(/PRIVACY_SIGNAL_MODE/);
    expect(() => loadConfig({ CLICKHOUSE_URL: 'ch:8123' })).toThrow(/CLICKHOUSE_URL/);
  });

  it('takes TRUST_PROXY as false, a hop count or proxy addresses, and refuses true', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,::1' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', '::1']);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY=true .*TRUST_PROXY=1/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.300' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
  });

  it('has slow-client limits a slow mobile visitor never meets, and checks them', () => {
    expect(loadConfig({})).toMatchObject({
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 30_000,
      connectionTimeoutMs: 120_000,
      keepAliveTimeoutMs: 72_000,
      maxConnections: 10_000,
    });
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '10000' })).toThrow(/HEADERS_TIMEOUT_MS/);
    expect(() => loadConfig({ MAX_CONNECTIONS: '0' })).toThrow(/MAX_CONNECTIONS/);
  });
});
