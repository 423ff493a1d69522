import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningIngest {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The real ingest service as its own process (`ingest/src/server.ts` through tsx, as `npm start`
 * runs it) on embedded ClickHouse in a fresh data directory, with a copy of the default catalog
 * whose portfolio site also allows `origins`. Resolves once `/readyz` answers 200.
 */
export async function startIngest(options: { port: number; origins: string[] }): Promise<RunningIngest> {
  const dataDir = await mkdtemp(join(tmpdir(), 'footfall-ingest-'));
  const catalog = JSON.parse(await readFile(join(repoRoot, 'ingest/catalog.json'), 'utf8')) as { sites: { id: string; origins: string[] }[] };
  for (const site of catalog.sites) if (site.id === 'portfolio') site.origins.push(...options.origins);
  const catalogFile = join(dataDir, 'catalog.json');
  await writeFile(catalogFile, JSON.stringify(catalog));
  // tsx as a loader of this node process rather than its CLI, which would add a second process
  // between us and the service.
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repoRoot, 'ingest/src/server.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      DATA_DIR: join(dataDir, 'data'),
      CATALOG_FILE: catalogFile,
      RATE_LIMIT_PER_MINUTE: '0',
      BATCH_INTERVAL_MS: '200',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 100_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the ingest service exited at start-up:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { url, output: () => output, stop };
    } catch {
      // Not listening yet: try again shortly.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`the ingest service did not become ready:\n${output}`);
}

/** One stored event as `GET /api/events` answers it. */
export interface StoredEvent {
  event_id: string;
  type: string;
  ts: string;
  session_id: string;
  source: string;
  path: string;
  object_id: string;
  room_id: string;
  nav_from: string;
  nav_to: string;
  duration_ms: number | string;
}

export async function storedEvents(ingestUrl: string, session: string): Promise<StoredEvent[]> {
  const response = await fetch(`${ingestUrl}/api/events?session=${encodeURIComponent(session)}&limit=1000`);
  if (!response.ok) throw new Error(`GET /api/events answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { events: StoredEvent[] }).events;
}

/**
 * Polls until the session's stored events stop changing and number at least `expected`, so a
 * test sees everything that was going to arrive (and anything extra) before it compares.
 */
export async function waitForStoredEvents(ingestUrl: string, session: string, expected: number, timeoutMs = 30_000): Promise<StoredEvent[]> {
  const deadline = Date.now() + timeoutMs;
  let events: StoredEvent[] = [];
  for (;;) {
    events = await storedEvents(ingestUrl, session);
    if (events.length >= expected) {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const again = await storedEvents(ingestUrl, session);
      if (again.length === events.length) return again;
      events = again;
    }
    if (Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
