import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', clickhouseUrl: undefined, rateLimitPerMinute: 1200, rateLimitOtlpPerMinute: 12_000, privacySignalMode: 'anonymise' });
    expect(config.catalogFile).toMatch(/catalog\.json$/);
  });

  it('reads and converts the documented variables', () => {
    const config = loadConfig({ PORT: '9000', CLICKHOUSE_URL: 'http://ch:8123/analytics', RATE_LIMIT_PER_MINUTE: '0', TRUST_PROXY: 'true', PRIVACY_SIGNAL_MODE: 'drop' });
    expect(config).toMatchObject({ port: 9000, clickhouseUrl: 'http://ch:8123/analytics', rateLimitPerMinute: 0, trustProxy: true, privacySignalMode: 'drop' });
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ BATCH_SIZE: '0' })).toThrow(/BATCH_SIZE/);
    expect(() => loadConfig({ PRIVACY_SIGNAL_MODE: 'ignore' })).toThrow(/PRIVACY_SIGNAL_MODE/);
    expect(() => loadConfig({ CLICKHOUSE_URL: 'ch:8123' })).toThrow(/CLICKHOUSE_URL/);
  });
});
