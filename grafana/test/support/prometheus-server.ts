// A real Prometheus process on a data directory, listening on a free loopback port, and the
// two HTTP API calls the tests make.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { toolPath } from '@footfall/stack';

export interface PrometheusServer {
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface StartOptions {
  dataDir: string;
  /** prometheus.yml contents; an empty scrape list when only querying backfilled data. */
  config?: string;
}

export async function startPrometheus(options: StartOptions): Promise<PrometheusServer> {
  const port = await freePort();
  const configFile = join(options.dataDir, 'prometheus.yml');
  writeFileSync(configFile, options.config ?? 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
  const logs: string[] = [];
  const child: ChildProcess = spawn(
    toolPath('prometheus'),
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(options.dataDir, 'tsdb')}`,
      // Backfilled scenarios lie in the past; the default 15 days would delete them at start.
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${logs.join('')}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 600) throw new Error(`prometheus did not get ready in 60 s:\n${logs.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface RangeSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  error?: string;
  data: { resultType: string; result: T };
}

async function api<T>(url: string, path: string, parameters: Record<string, string>): Promise<T> {
  const response = await fetch(`${url}${path}`, { method: 'POST', body: new URLSearchParams(parameters) });
  const answer = (await response.json()) as ApiAnswer<T>;
  if (answer.status !== 'success') throw new Error(`${path} failed for ${parameters.query}: ${answer.error}`);
  return answer.data.result;
}

/** Evaluates `query` at every `stepSeconds` from `start` to `end` (epoch ms), like a rule would. */
export function queryRange(url: string, query: string, start: number, end: number, stepSeconds: number): Promise<RangeSeries[]> {
  return api<RangeSeries[]>(url, '/api/v1/query_range', {
    query,
    start: String(start / 1000),
    end: String(end / 1000),
    step: String(stepSeconds),
  });
}

export interface InstantSeries {
  metric: Record<string, string>;
  value: [number, string];
}

export function queryInstant(url: string, query: string, time?: number): Promise<InstantSeries[]> {
  return api<InstantSeries[]>(url, '/api/v1/query', { query, ...(time ? { time: String(time / 1000) } : {}) });
}
