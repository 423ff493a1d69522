// `npm run stack` as a user runs it: every service healthy, then SIGTERM stops them all, with no
// process left behind and what the ingest service had accepted written to ClickHouse.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import getPort from 'get-port';
import { afterAll, describe, expect, it } from 'vitest';
import {
  storedEvents,
  startIngest,
  freePorts,
  PORT_VARIABLES,
  stackUrls,
  repoRoot,
  waitFor,
  waitUntil,
  type StackPorts,
} from '@footfall/stack';

const scratch = mkdtempSync(join(tmpdir(), 'footfall-stack-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Running, not merely a zombie waiting for whoever inherited it to reap it. */
const isAlive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

async function childPids(pid: number): Promise<number[]> {
  const { stdout } = await execa('ps', ['-o', 'pid=', '--ppid', String(pid)], { reject: false });
  return stdout
    .split('\n')
    .map(Number)
    .filter((n) => n > 0);
}

/** The command line of a process, as /proc has it. */
const commandOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');

describe('npm run stack', () => {
  it('starts every service healthy, and SIGTERM stops them all with the data written', { timeout: 180_000 }, async () => {
    const ports = await freePorts();
    const demoPort = await getPort({ host: '127.0.0.1', exclude: Object.values(ports) });
    const portEnv = Object.fromEntries(
      (Object.keys(PORT_VARIABLES) as (keyof StackPorts)[]).map((key) => [PORT_VARIABLES[key], String(ports[key])]),
    );
    const stackDir = join(scratch, 'stack');
    const stack = execa(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/stack.ts')], {
      cwd: repoRoot,
      env: { ...portEnv, DEMO_PORT: String(demoPort), STACK_DIR: stackDir },
      reject: false,
      all: true,
    });
    let output = '';
    stack.all.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil('the stack to say it is ready', () => output.includes('stack: ready') || stack.exitCode !== null, {
      intervalMs: 200,
      timeoutMs: 150_000,
    });
    expect(output).toContain('stack: ready');

    const urls = stackUrls(ports);
    for (const url of [`${urls.ingest}/readyz`, urls.collectorHealth, `${urls.prometheus}/-/ready`, `http://127.0.0.1:${demoPort}/`]) {
      expect((await fetch(url)).status, url).toBe(200);
    }
    expect(output).toContain(`http://127.0.0.1:${demoPort}/`);

    // One event accepted just before the stop: it must be in ClickHouse afterwards.
    const session = 'stack-test-session';
    const beacon = await fetch(`${urls.ingest}/v1/beacon`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain',
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
      },
      body: JSON.stringify({ site: 'portfolio', id: 'stack-test-event-1', type: 'page_view', ts: Date.now(), session, path: '/' }),
    });
    expect(beacon.status).toBe(202);

    const services = await childPids(stack.pid!);
    // Exactly one of each service; other children are helpers (tsx's esbuild service).
    const commands = services.map(commandOf);
    expect(commands.filter((command) => command.includes('ingest/src/server.ts'))).toHaveLength(1);
    expect(commands.filter((command) => /\botelcol\b/.test(command))).toHaveLength(1);
    expect(commands.filter((command) => /\bprometheus\b/.test(command) && command.includes('--config.file'))).toHaveLength(1);
    stack.kill('SIGTERM');
    const result = await stack;
    expect(result.exitCode, output).toBe(0);
    expect(output).toContain('stack: stopped');
    // Helpers such as tsx's esbuild service end when their parent's pipe closes, a moment later.
    await waitFor(() => services.filter(isAlive).length === 0, { intervalMs: 100, timeoutMs: 5_000 });
    expect(services.filter(isAlive)).toEqual([]);

    // The ingest service alone on the stack's data: the event is there.
    const ingest = await startIngest({ port: ports.ingest, dataDir: join(stackDir, 'ingest'), logFile: join(scratch, 'ingest.log') });
    try {
      expect((await storedEvents(urls.ingest, session)).map((e) => e.event_id)).toEqual(['stack-test-event-1']);
    } finally {
      await ingest.stop();
    }
  });
});
