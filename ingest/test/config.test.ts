import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FILES_BESIDES_CONNECTIONS, loadConfig } from '../src/config.js';
import { openFilesLimit } from '../src/open-files-limit.js';

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
      readCacheMaxBytes: 256 * 1024 * 1024,
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
      READ_CACHE_MAX_BYTES: '0',
    });
    expect(config).toMatchObject({
      port: 9000,
      clickhouseUrl: 'http://ch:8123/analytics',
      rateLimitPerMinute: 0,
      trustProxy: 1,
      privacySignalMode: 'drop',
      readCacheMaxBytes: 0,
    });
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ BATCH_SIZE: '0' })).toThrow(/BATCH_SIZE/);
    expect(() => loadConfig({ PRIVACY_SIGNAL_MODE: 'ignore' })).toThrow(/PRIVACY_SIGNAL_MODE/);
    expect(() => loadConfig({ CLICKHOUSE_URL: 'ch:8123' })).toThrow(/CLICKHOUSE_URL/);
    expect(() => loadConfig({ READ_CACHE_MAX_BYTES: '-1' })).toThrow(/READ_CACHE_MAX_BYTES/);
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
    // An open-files limit that is not known leaves MAX_CONNECTIONS as it is (see below).
    expect(loadConfig({}, {})).toMatchObject({
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 30_000,
      connectionTimeoutMs: 120_000,
      keepAliveTimeoutMs: 72_000,
      maxConnections: 10_000,
    });
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '10000' })).toThrow(/HEADERS_TIMEOUT_MS/);
    expect(() => loadConfig({ MAX_CONNECTIONS: '0' })).toThrow(/MAX_CONNECTIONS/);
  });

  // The limit is given to loadConfig here (a stand-in for the operating system's); the test after
  // this one reads the real one under a real `ulimit -n`.
  it('keeps MAX_CONNECTIONS within the open-files limit: the default lowered, a set value refused', () => {
    const room = 2048 - FILES_BESIDES_CONNECTIONS;
    expect(loadConfig({}, { openFiles: 1_000_000 }).maxConnections).toBe(10_000);
    expect(loadConfig({}, { openFiles: 10_000 + FILES_BESIDES_CONNECTIONS }).maxConnections).toBe(10_000);
    expect(loadConfig({}, { openFiles: 2048 }).maxConnections).toBe(room);
    expect(loadConfig({ MAX_CONNECTIONS: String(room) }, { openFiles: 2048 }).maxConnections).toBe(room);
    expect(() => loadConfig({ MAX_CONNECTIONS: String(room + 1) }, { openFiles: 2048 })).toThrow(
      `MAX_CONNECTIONS=${room + 1} is more than this process can hold open: its open-files limit (ulimit -n) is 2048 and the service keeps ${FILES_BESIDES_CONNECTIONS} for its own files. Set MAX_CONNECTIONS to at most ${room}, or raise the limit`,
    );
    expect(() => loadConfig({}, { openFiles: FILES_BESIDES_CONNECTIONS })).toThrow(
      `the open-files limit (ulimit -n) is ${FILES_BESIDES_CONNECTIONS}, too low for the service`,
    );
    expect(loadConfig({ MAX_CONNECTIONS: '1000000' }, {}).maxConnections).toBe(1_000_000);
  });

  it.runIf(process.platform === 'linux')('reads the open-files limit a real `ulimit -n` set', () => {
    const hard = Number(execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }));
    // Node.js raised this test process's soft limit to the hard one.
    expect(openFilesLimit()).toBe(hard);
    const config = fileURLToPath(new URL('../src/config.ts', import.meta.url));
    const maxConnections = (ulimit: number, env: Record<string, string> = {}) =>
      execFileSync(
        'bash',
        [
          '-c',
          `ulimit -n ${ulimit} && exec "$0" --import tsx -e "$1"`,
          process.execPath,
          `import('${config}').then((m) => console.log(m.loadConfig().maxConnections))`,
        ],
        { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
      ).trim();
    expect(maxConnections(1000)).toBe(String(1000 - FILES_BESIDES_CONNECTIONS));
    expect(() => maxConnections(1000, { MAX_CONNECTIONS: '600' })).toThrow(/MAX_CONNECTIONS=600 is more than this process can hold open/);
  });
});

describe('REPLICA_ID', () => {
  it('names the replica in deduplication tokens: none by default (the tokens of one service stay as they were), refused when a token cannot carry it', () => {
    expect(loadConfig({}).replicaId).toBe('');
    expect(loadConfig({ REPLICA_ID: 'ingest-2' }).replicaId).toBe('ingest-2');
    expect(() => loadConfig({ REPLICA_ID: 'a b' })).toThrow(/REPLICA_ID/);
    expect(() => loadConfig({ REPLICA_ID: "x'" })).toThrow(/REPLICA_ID/);
    expect(() => loadConfig({ REPLICA_ID: 'r'.repeat(65) })).toThrow(/REPLICA_ID/);
  });
});
