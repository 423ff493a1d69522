// The ingest service as a child process (ingest/src/server.ts through tsx), configured by the
// environment variables of docs/configuration.md.
import { join } from 'node:path';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { repoRoot } from './repo-root.js';

export interface IngestOptions {
  port: number;
  /** Embedded ClickHouse data, write-ahead log and spool; the service's default when absent. */
  dataDir?: string;
  /** The parent's stdout and stderr when absent. */
  logFile?: string;
  /** Defaults to the service's own default catalog. */
  catalogFile?: string;
  /** Any other of the service's variables (RATE_LIMIT_PER_MINUTE, BATCH_INTERVAL_MS, ...). */
  env?: Record<string, string>;
  /** See ProcessSpec.ownProcessGroup. */
  ownProcessGroup?: boolean;
  /** How long start-up may take (chdb loads and migrations run first); 90 s when absent. */
  readyTimeoutMs?: number;
}

export function ingestUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

export function startIngest(options: IngestOptions): Promise<ManagedProcess> {
  return startProcess({
    name: 'ingest',
    // Node itself runs the service (tsx as a loader), so SIGTERM reaches it with no npx between.
    file: process.execPath,
    args: ['--import', 'tsx', join(repoRoot, 'ingest/src/server.ts')],
    cwd: repoRoot,
    env: {
      HOST: '127.0.0.1',
      PORT: String(options.port),
      ...(options.dataDir ? { DATA_DIR: options.dataDir } : {}),
      ...(options.catalogFile ? { CATALOG_FILE: options.catalogFile } : {}),
      ...options.env,
    },
    logFile: options.logFile,
    ownProcessGroup: options.ownProcessGroup,
    healthUrl: `${ingestUrl(options.port)}/readyz`,
    // chdb loads and migrations run at start-up.
    readyTimeoutMs: options.readyTimeoutMs ?? 90_000,
  });
}
