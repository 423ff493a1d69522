// The ingest service as its own process, as `npm start` runs it, for tests of what survives a
// crash or a stop; started through the stack's one launcher, its output kept in a log file.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ingestUrl, startIngest, type ManagedProcess } from '@footfall/stack';

export { freePort } from '@footfall/stack';

export interface ServiceProcess {
  url: string;
  process: ManagedProcess;
  output: () => string;
  /** Resolves with the exit code or signal once the process ended. */
  exited: Promise<number | string>;
}

/** Ready to take requests; `env` holds the service's variables (DATA_DIR, BATCH_SIZE...). */
export async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const logFile = join(mkdtempSync(join(tmpdir(), 'footfall-service-')), 'ingest.log');
  const service = await startIngest({
    port,
    logFile,
    env: { RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'info', ...env },
    readyTimeoutMs: 60_000,
  });
  return {
    url: ingestUrl(port),
    process: service,
    output: () => readFileSync(logFile, 'utf8'),
    exited: service.exit,
  };
}
