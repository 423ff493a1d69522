/**
 * `npm run keys`: API keys and shared links of the running ingest service, which holds the store.
 *
 *   npm run keys -- create --site portfolio --read-only   a read-only key of one site
 *   npm run keys -- create --admin                        an admin key of every site
 *   npm run keys -- create --share --site portfolio       a read-only link of one site
 *   npm run keys -- list
 *   npm run keys -- revoke ID
 *
 * The service is found by the same PORT and HOST as it listens on (or --url) and answers to the
 * owner's STATS_TOKEN from the environment. A secret is printed once, when its key is made.
 */
import { parseArgs } from 'node:util';

const USAGE = 'usage: npm run keys -- create (--read-only | --admin | --share) [--site SITE] | list | revoke ID  [--url URL]';

interface Key {
  id: string;
  scope: string;
  site: string | null;
  kind: string;
  created: string;
  last_used: string | null;
  secret?: string;
  link?: string;
}

class Refused extends Error {}

const OPTIONS = {
  site: { type: 'string' },
  'read-only': { type: 'boolean', default: false },
  admin: { type: 'boolean', default: false },
  share: { type: 'boolean', default: false },
  url: { type: 'string' },
} as const;

function parsed(): ReturnType<typeof parseArgs<{ allowPositionals: true; options: typeof OPTIONS }>> {
  try {
    return parseArgs({ allowPositionals: true, options: OPTIONS });
  } catch (error) {
    // An unknown or malformed option: one line, not a stack.
    console.error(`keys: ${(error as Error).message}\n${USAGE}`);
    process.exit(1);
  }
}

const { values, positionals } = parsed();

/** The address the service listens on, as a client reaches it (a wildcard address is this machine). */
function serviceUrl(): string {
  if (values.url) return values.url.replace(/\/+$/, '');
  const host = process.env.HOST ?? '127.0.0.1';
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${process.env.PORT ?? 8080}`;
}

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const token = process.env.STATS_TOKEN;
  if (!token) throw new Refused('STATS_TOKEN is not set: run with the owner token the service was started with');
  const url = `${serviceUrl()}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new Refused(`no service answers at ${serviceUrl()} (${cause}): start it (npm start), or give its address with --url`);
  }
  const answer = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
  if (response.status === 401) throw new Refused(`the service at ${serviceUrl()} refused STATS_TOKEN: use the token it was started with`);
  if (!response.ok) throw new Refused(`${response.status} ${answer.code ?? ''}: ${answer.message ?? response.statusText}`);
  return answer;
}

function describeKey(key: Key): string {
  const kind = key.kind === 'share' ? 'shared link' : `${key.scope === 'admin' ? 'admin' : 'read-only'} key`;
  return `${key.id}  ${kind}  ${key.site === null ? 'all sites' : `site ${key.site}`}  created ${key.created}  last used ${key.last_used ?? 'never (since start)'}`;
}

async function create(): Promise<void> {
  const chosen = [values['read-only'], values.admin, values.share].filter(Boolean).length;
  if (chosen !== 1) throw new Refused(`say exactly one of --read-only, --admin or --share\n${USAGE}`);
  if (values.share && !values.site) throw new Refused('a shared link is for one site: add --site SITE');
  const key = (await call('POST', '/api/keys', {
    scope: values.admin ? 'admin' : 'read',
    ...(values.site ? { site: values.site } : {}),
    kind: values.share ? 'share' : 'key',
  })) as Key;
  console.log(describeKey(key));
  if (key.link) console.log(`link (shown once; anyone with it sees site ${key.site}): ${key.link}`);
  else console.log(`secret (shown once; send it as "Authorization: Bearer <secret>"): ${key.secret}`);
}

async function list(): Promise<void> {
  const { keys } = (await call('GET', '/api/keys')) as { keys: Key[] };
  if (keys.length === 0) console.log('no keys');
  for (const key of keys) console.log(describeKey(key));
}

async function revoke(id: string | undefined): Promise<void> {
  if (!id) throw new Refused(`name the key to revoke\n${USAGE}`);
  await call('DELETE', `/api/keys/${encodeURIComponent(id)}`);
  console.log(`${id} revoked`);
}

const [command, argument] = positionals;
try {
  if (command === 'create') await create();
  else if (command === 'list') await list();
  else if (command === 'revoke') await revoke(argument);
  else throw new Refused(USAGE);
} catch (error) {
  if (!(error instanceof Refused)) throw error;
  console.error(`keys: ${error.message}`);
  process.exitCode = 1;
}
