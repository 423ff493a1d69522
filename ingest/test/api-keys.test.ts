// API keys and shared links tried as an attacker would (issue 29, "Share safely"): a revoked key,
// a read-only key on admin routes, a key of one site on another, a guessed secret, each refused
// with its status and code; every attempt counted by the /api rate limit; the secret answered
// once, never listed, and only its hash stored; keys kept across a restart.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type ServiceProcess, startService } from './support/service-process.js';
import { beaconEvent, freshDataDir, postBeacon, queryRows, testApp } from './support/test-app.js';

const TOKEN = 'owner-token-keys-1';
const OWNER = { authorization: `Bearer ${TOKEN}` };

/** Two sites, so a key of one can be tried on the other. */
function twoSiteCatalog(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-keys-')), 'catalog.json');
  writeFileSync(
    file,
    JSON.stringify({
      sites: [
        { id: 'portfolio', rooms: [{ id: 'studio', objects: [{ id: 'guitar' }] }] },
        { id: 'blog', rooms: [] },
      ],
      eventTypes: ['page_view', 'object_click'],
    }),
  );
  return file;
}

interface MadeKey {
  id: string;
  scope: string;
  site: string | null;
  kind: string;
  secret: string;
  link?: string;
}

async function makeKey(app: FastifyInstance, body: Record<string, unknown>): Promise<MadeKey> {
  const response = await app.inject({ method: 'POST', url: '/api/keys', headers: OWNER, payload: body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<MadeKey>();
}

function as(key: { secret: string }): Record<string, string> {
  return { authorization: `Bearer ${key.secret}` };
}

describe('API keys and shared links', () => {
  const catalogFile = twoSiteCatalog();
  const dataDir = freshDataDir();
  let app: FastifyInstance;
  let readPortfolio: MadeKey;
  let adminPortfolio: MadeKey;
  let adminAll: MadeKey;
  let share: MadeKey;

  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN, catalogFile, dataDir });
    await postBeacon(app, { site: 'portfolio', events: [beaconEvent(), beaconEvent({ path: '/about' })] });
    await postBeacon(app, { site: 'blog', events: [beaconEvent({ session: 'blog-session' })] });
    expect(await app.pipeline.flush(30_000)).toBe(true);
    readPortfolio = await makeKey(app, { scope: 'read', site: 'portfolio' });
    adminPortfolio = await makeKey(app, { scope: 'admin', site: 'portfolio' });
    adminAll = await makeKey(app, { scope: 'admin' });
    share = await makeKey(app, { scope: 'read', site: 'portfolio', kind: 'share' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers a long random secret once, lists keys without it, and stores only its hash', async () => {
    // 32 random bytes in base64url: 43 characters.
    for (const key of [readPortfolio, adminPortfolio, adminAll, share]) expect(key.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([readPortfolio, adminPortfolio, adminAll, share].map((key) => key.secret)).size).toBe(4);

    const listed = await app.inject({ method: 'GET', url: '/api/keys', headers: OWNER });
    expect(listed.statusCode).toBe(200);
    const { keys } = listed.json<{ keys: Record<string, unknown>[] }>();
    expect(keys.map((key) => key.id).sort()).toEqual([readPortfolio, adminPortfolio, adminAll, share].map((key) => key.id).sort());
    expect(keys.find((key) => key.id === share.id)).toMatchObject({ scope: 'read', site: 'portfolio', kind: 'share' });
    expect(keys.find((key) => key.id === adminAll.id)).toMatchObject({ scope: 'admin', site: null, kind: 'key' });
    for (const key of keys) expect(Object.keys(key).sort()).toEqual(['created', 'id', 'kind', 'last_used', 'scope', 'site']);
    for (const made of [readPortfolio, adminPortfolio, adminAll, share]) {
      expect(listed.body).not.toContain(made.secret);
      expect(listed.body).not.toContain(createHash('sha256').update(made.secret).digest('hex'));
    }

    const stored = await queryRows<Record<string, string>>(app, 'SELECT * FROM api_keys');
    expect(stored).toHaveLength(4);
    const everything = JSON.stringify(stored);
    for (const made of [readPortfolio, adminPortfolio, adminAll, share]) {
      expect(everything).not.toContain(made.secret);
      expect(stored.find((row) => row.id === made.id)?.hash).toBe(createHash('sha256').update(made.secret).digest('hex'));
    }
  });

  it('gives a shared link its secret in the fragment, never the query', () => {
    expect(share.link).toBe(`http://localhost:80/#share=${share.secret}`);
    expect(new URL(share.link!).search).toBe('');
  });

  it('lets a read-only key of a site read its figures, its own site by default', async () => {
    for (const url of ['/api/stats?site=portfolio&range=1h', '/api/stats?range=1h']) {
      const response = await app.inject({ method: 'GET', url, headers: as(readPortfolio) });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ site: 'portfolio', page_views: 2 });
    }
    const funnel = await app.inject({ method: 'GET', url: '/api/funnel?range=1h&step=page_view&step=page_view', headers: as(share) });
    expect(funnel.statusCode, funnel.body).toBe(200);
    const listed = (await app.inject({ method: 'GET', url: '/api/keys', headers: OWNER })).json<{
      keys: { id: string; last_used: string | null }[];
    }>();
    expect(listed.keys.find((key) => key.id === readPortfolio.id)?.last_used).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(listed.keys.find((key) => key.id === adminAll.id)?.last_used).toBeNull();
  });

  it('refuses a read-only key or shared link on every admin route with 403, naming the route', async () => {
    const adminRoutes = [
      { method: 'GET', url: '/api/events?site=portfolio', route: 'GET /api/events' },
      { method: 'GET', url: '/api/events?site=portfolio&format=csv', route: 'GET /api/events' },
      { method: 'DELETE', url: '/api/visitors/anyone', route: 'DELETE /api/visitors/:id' },
      { method: 'DELETE', url: '/api/sessions/session-1', route: 'DELETE /api/sessions/:id' },
      { method: 'GET', url: '/api/keys', route: 'GET /api/keys' },
      { method: 'POST', url: '/api/keys', route: 'POST /api/keys', payload: { scope: 'admin' } },
      { method: 'DELETE', url: `/api/keys/${adminAll.id}`, route: 'DELETE /api/keys/:id' },
    ] as const;
    for (const key of [readPortfolio, share]) {
      for (const { method, url, route, ...rest } of adminRoutes) {
        const response = await app.inject({ method, url, headers: as(key), ...rest });
        expect(response.statusCode, `${method} ${url}`).toBe(403);
        expect(response.json()).toMatchObject({
          code: 'FOOTFALL_KEY_READ_ONLY',
          message: `this key is read-only; ${route} needs an admin key`,
        });
      }
    }
    // Nothing was erased and no key made or revoked.
    const [row] = await queryRows<{ n: string }>(app, "SELECT count() AS n FROM events WHERE session_id = 'session-1'");
    expect(Number(row!.n)).toBe(2);
    expect((await app.inject({ method: 'GET', url: '/api/keys', headers: OWNER })).json<{ keys: unknown[] }>().keys).toHaveLength(4);
  });

  it('refuses a key of one site on another site with 403, and shows it only its own site', async () => {
    for (const key of [readPortfolio, share, adminPortfolio]) {
      for (const url of [
        '/api/stats?site=blog',
        '/api/stats?site=portfolio&site=blog',
        '/api/stream?site=blog',
        '/api/funnel?site=blog&step=page_view&step=page_view',
        '/api/sites?site=blog',
      ]) {
        const response = await app.inject({ method: 'GET', url, headers: as(key) });
        expect(response.statusCode, url).toBe(403);
        expect(response.json()).toMatchObject({
          code: 'FOOTFALL_KEY_OTHER_SITE',
          message: 'this key is for site portfolio only; it cannot read site "blog"',
        });
      }
      // A site the catalog lacks is refused the same way: the key learns nothing of the catalog.
      const unknown = await app.inject({ method: 'GET', url: '/api/stats?site=nowhere', headers: as(key) });
      expect(unknown.json()).toMatchObject({ code: 'FOOTFALL_KEY_OTHER_SITE' });
      const sites = await app.inject({ method: 'GET', url: '/api/sites', headers: as(key) });
      expect(sites.json<{ sites: { id: string }[] }>().sites.map((site) => site.id)).toEqual(['portfolio']);
    }
    // The owner sees both.
    const sites = await app.inject({ method: 'GET', url: '/api/sites', headers: OWNER });
    expect(sites.json<{ sites: { id: string }[] }>().sites.map((site) => site.id)).toEqual(['portfolio', 'blog']);
  });

  it('lets an admin key of one site read its raw events but not erase or manage keys, which act on every site', async () => {
    const events = await app.inject({ method: 'GET', url: '/api/events', headers: as(adminPortfolio) });
    expect(events.statusCode).toBe(200);
    expect(events.json<{ events: { session_id: string }[] }>().events.map((event) => event.session_id)).toEqual(['session-1', 'session-1']);
    expect((await app.inject({ method: 'GET', url: '/api/events?site=blog', headers: as(adminPortfolio) })).statusCode).toBe(403);
    for (const [method, url] of [
      ['DELETE', '/api/visitors/anyone'],
      ['GET', '/api/keys'],
    ] as const) {
      const response = await app.inject({ method, url, headers: as(adminPortfolio) });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({
        code: 'FOOTFALL_KEY_OTHER_SITE',
        message: `this key is for site portfolio only; ${method} ${url.replace('anyone', ':id')} acts on every site and needs a key of all sites`,
      });
    }
    const blogEvents = await app.inject({ method: 'GET', url: '/api/events?site=blog', headers: as(adminAll) });
    expect(blogEvents.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/keys', headers: as(adminAll) })).statusCode).toBe(200);
  });

  it('refuses a guessed, malformed or missing secret with 401', async () => {
    const guesses = [
      { authorization: `Bearer ${randomBytes(32).toString('base64url')}` },
      { authorization: `Bearer ${readPortfolio.secret.slice(0, -1)}` },
      { authorization: `Bearer ${createHash('sha256').update(readPortfolio.secret).digest('hex')}` },
      { authorization: readPortfolio.secret },
      { authorization: `Basic ${readPortfolio.secret}` },
      {},
    ];
    for (const headers of guesses) {
      const response = await app.inject({ method: 'GET', url: '/api/stats?site=portfolio', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'FOOTFALL_UNAUTHORIZED' });
    }
  });

  it('checks what a key is made of', async () => {
    const refusals = [
      { body: { scope: 'admin', site: 'portfolio', kind: 'share' }, status: 400, code: 'FOOTFALL_BAD_KEY' },
      { body: { scope: 'read', kind: 'share' }, status: 400, code: 'FOOTFALL_BAD_KEY' },
      { body: { scope: 'read', site: 'nowhere' }, status: 404, code: 'FOOTFALL_UNKNOWN_SITE' },
      { body: { scope: 'owner' }, status: 400, code: 'FST_ERR_VALIDATION' },
      // Refused, not silently dropped: a sender who thinks it chose the secret must learn otherwise.
      {
        body: { scope: 'read', secret: 'chosen-by-me' },
        status: 400,
        code: 'FST_ERR_VALIDATION',
        message: 'body must be one of scope, site, kind',
      },
    ];
    for (const { body, status, code, message } of refusals) {
      const response = await app.inject({ method: 'POST', url: '/api/keys', headers: OWNER, payload: body });
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(response.json()).toMatchObject({ code });
      if (message) expect(response.json().message).toContain(message);
    }
    const unknown = await app.inject({ method: 'DELETE', url: '/api/keys/0123456789ab', headers: OWNER });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'FOOTFALL_UNKNOWN_KEY', message: expect.stringContaining('"0123456789ab"') });
  });

  it('refuses a revoked key or link from the next request on, and after a restart', async () => {
    const doomed = await makeKey(app, { scope: 'read', site: 'portfolio', kind: 'share' });
    expect((await app.inject({ method: 'GET', url: '/api/stats', headers: as(doomed) })).statusCode).toBe(200);
    const revoked = await app.inject({ method: 'DELETE', url: `/api/keys/${doomed.id}`, headers: OWNER });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toEqual({ id: doomed.id, revoked: true });
    const after = await app.inject({ method: 'GET', url: '/api/stats', headers: as(doomed) });
    expect(after.statusCode).toBe(401);
    expect((await app.inject({ method: 'DELETE', url: `/api/keys/${doomed.id}`, headers: OWNER })).statusCode).toBe(404);
    expect(await queryRows(app, `SELECT id FROM api_keys WHERE id = '${doomed.id}'`)).toEqual([]);

    await app.close();
    app = await testApp({ statsToken: TOKEN, catalogFile, dataDir });
    expect((await app.inject({ method: 'GET', url: '/api/stats', headers: as(doomed) })).statusCode).toBe(401);
    const kept = await app.inject({ method: 'GET', url: '/api/stats?range=1h', headers: as(readPortfolio) });
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({ site: 'portfolio', page_views: 2 });
    expect((await app.inject({ method: 'GET', url: '/api/events?site=blog', headers: as(readPortfolio) })).statusCode).toBe(403);
  });
});

describe('keys against the /api rate limit', () => {
  let app: FastifyInstance;
  afterAll(async () => {
    await app?.close();
  });

  it('counts every attempt, guessed or refused, before the key is looked at', async () => {
    app = await testApp({ statsToken: TOKEN, apiRateLimitPerMinute: 4 });
    const key = await makeKey(app, { scope: 'read', site: 'portfolio' });
    const statuses: number[] = [];
    statuses.push((await app.inject({ method: 'GET', url: '/api/stats', headers: { authorization: 'Bearer guessed-secret' } })).statusCode);
    statuses.push((await app.inject({ method: 'GET', url: '/api/events', headers: as(key) })).statusCode);
    statuses.push((await app.inject({ method: 'GET', url: '/api/stats', headers: { authorization: 'Bearer guessed-again' } })).statusCode);
    const limited = await app.inject({ method: 'GET', url: '/api/stats', headers: { authorization: 'Bearer a-third-guess' } });
    const valid = await app.inject({ method: 'GET', url: '/api/stats', headers: as(key) });
    // The create took the first of the 4 requests.
    expect(statuses).toEqual([401, 403, 401]);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'FOOTFALL_API_RATE_LIMITED' });
    expect(valid.statusCode).toBe(429);
  });
});

describe('keys without STATS_TOKEN', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp({ statsToken: undefined });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses to make keys, which would guard nothing, and still refuses an unknown secret', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/keys', payload: { scope: 'read' } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'FOOTFALL_KEYS_DISABLED' });
    expect((await app.inject({ method: 'GET', url: '/api/keys' })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/stats' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/stats', headers: { authorization: 'Bearer guessed-secret' } })).statusCode).toBe(
      401,
    );
  });
});

/** `npm run keys -- ...args` with `env` over this process's; resolves with its exit code and output. */
function keysCommand(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'keys', '--', ...args], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run keys against a running service', () => {
  let service: ServiceProcess;
  let env: Record<string, string>;
  beforeAll(async () => {
    service = await startService({ DATA_DIR: freshDataDir(), STATS_TOKEN: TOKEN });
    const { hostname, port } = new URL(service.url);
    // Found as the service is configured: the same PORT and HOST.
    env = { STATS_TOKEN: TOKEN, PORT: port, HOST: hostname };
  }, 90_000);
  afterAll(async () => {
    await service?.process.stop();
  });

  it('creates, lists and revokes keys, a revoke holding at once, and no secret reaches the log', async () => {
    const read = await keysCommand(['create', '--site', 'portfolio', '--read-only'], env);
    expect(read.stderr).toBe('');
    expect(read.code).toBe(0);
    const readId = /^([0-9a-f]{12}) {2}read-only key {2}site portfolio/m.exec(read.stdout)?.[1];
    const readSecret = /secret .*: ([A-Za-z0-9_-]{43})$/m.exec(read.stdout)?.[1];
    expect(readId).toBeDefined();
    expect(readSecret).toBeDefined();
    const bearer = { authorization: `Bearer ${readSecret}` };
    expect((await fetch(`${service.url}/api/stats?site=portfolio`, { headers: bearer })).status).toBe(200);
    expect((await fetch(`${service.url}/api/events`, { headers: bearer })).status).toBe(403);

    const shared = await keysCommand(['create', '--share', '--site', 'portfolio', '--url', service.url], { STATS_TOKEN: TOKEN });
    expect(shared.code).toBe(0);
    const link = new RegExp(`^link .*: ${service.url.replaceAll('.', '\\.')}/#share=([A-Za-z0-9_-]{43})$`, 'm').exec(shared.stdout);
    expect(link, shared.stdout).not.toBeNull();

    const listed = await keysCommand(['list'], env);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${readId} {2}read-only key {2}site portfolio {2}created \\S+ {2}last used \\d{4}-`));
    expect(lines[1]).toMatch(/^[0-9a-f]{12} {2}shared link {2}site portfolio {2}created \S+ {2}last used never/);
    expect(listed.stdout).not.toContain(readSecret);
    expect(listed.stdout).not.toContain(link![1]);

    const revoked = await keysCommand(['revoke', readId!], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout.trim()).toBe(`${readId} revoked`);
    expect((await fetch(`${service.url}/api/stats?site=portfolio`, { headers: bearer })).status).toBe(401);
    const again = await keysCommand(['revoke', readId!], env);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(`keys: 404 FOOTFALL_UNKNOWN_KEY: no key has id "${readId}"; \`npm run keys -- list\` lists them`);

    // Refusals are logged (with their URL); neither the secrets nor the token may be in that log.
    const log = service.output();
    expect(log).toContain('FOOTFALL_KEY_READ_ONLY');
    expect(log).toContain('API key revoked');
    for (const secret of [readSecret!, link![1]!, TOKEN]) expect(log).not.toContain(secret);
  });

  it('says in one line when the token is wrong, the service is not running, or the command is malformed', async () => {
    const wrong = await keysCommand(['list'], { ...env, STATS_TOKEN: 'not-the-owner-token' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim()).toBe(`keys: the service at ${service.url} refused STATS_TOKEN: use the token it was started with`);
    const away = `http://127.0.0.1:${await freePort()}`;
    const none = await keysCommand(['list', '--url', away], env);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe(
      `keys: no service answers at ${away} (ECONNREFUSED): start it (npm start), or give its address with --url`,
    );
    const missing = await keysCommand(['list'], { ...env, STATS_TOKEN: undefined });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('keys: STATS_TOKEN is not set: run with the owner token the service was started with');
    const unclear = await keysCommand(['create', '--site', 'portfolio'], env);
    expect(unclear.code).toBe(1);
    expect(unclear.stderr).toContain('say exactly one of --read-only, --admin or --share');
    const unknown = await keysCommand(['create', '--everything'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.split('\n')[0]).toMatch(/^keys: Unknown option '--everything'/);
  });
});
