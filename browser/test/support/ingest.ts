// The real ingest service for the browser tests: its own process, started through the stack's
// one launcher, on embedded ClickHouse in a fresh data directory; and reading back what it stored.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestUrl, repoRoot, startIngest as startIngestProcess } from '@footfall/stack';

export { freePort } from '@footfall/stack';

export interface RunningIngest {
  url: string;
  /** The service's process, for a test that pauses it (SIGSTOP) to make it answer late. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * The ingest service with a copy of the default catalog whose portfolio site also allows
 * `origins`. Resolves once `/readyz` answers 200.
 */
export async function startIngest(options: { port: number; origins: string[] }): Promise<RunningIngest> {
  const dataDir = await mkdtemp(join(tmpdir(), 'footfall-ingest-'));
  const catalog = JSON.parse(await readFile(join(repoRoot, 'ingest/catalog.json'), 'utf8')) as {
    sites: { id: string; origins: string[] }[];
  };
  for (const site of catalog.sites) if (site.id === 'portfolio') site.origins.push(...options.origins);
  const catalogFile = join(dataDir, 'catalog.json');
  await writeFile(catalogFile, JSON.stringify(catalog));
  const logFile = join(dataDir, 'ingest.log');
  const service = await startIngestProcess({
    port: options.port,
    dataDir: join(dataDir, 'data'),
    logFile,
    catalogFile,
    // The tests poll /api/events often: no read-API rate limit.
    env: { RATE_LIMIT_PER_MINUTE: '0', API_RATE_LIMIT_PER_MINUTE: '0', BATCH_INTERVAL_MS: '200', LOG_LEVEL: 'warn' },
    readyTimeoutMs: 100_000,
  }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    url: ingestUrl(options.port),
    pid: service.pid,
    stop: async () => {
      await service.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
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
export async function waitForStoredEvents(
  ingestUrl: string,
  session: string,
  expected: number,
  timeoutMs = 30_000,
): Promise<StoredEvent[]> {
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
