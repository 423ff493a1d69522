// The launchers check the catalog first: a mistake is reported, naming the file and the entry,
// before the demo is built or any service starts (before, `npm start` built the demo first and the
// service refused the catalog only then). And `npm run stack` on a demo port the catalog does not
// list runs the service with the demo's origins added, as `npm start` does (before, every beacon
// of the demo was refused as unknown_origin).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, NativeStack, repoRoot } from '@footfall/stack';
import { describe, expect, it } from 'vitest';
import { stackPlan } from '../../scripts/stack-options.js';
import { BROWSER_UA, beaconEvent } from './support/test-app.js';

/** A launcher run to its end; its exit code and what it printed. */
async function runLauncher(script: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(repoRoot, script)], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The default catalog with one mistake: a room id with a space. */
function badCatalog(dir: string): string {
  const catalog = JSON.parse(readFileSync(join(repoRoot, 'ingest/catalog.json'), 'utf8')) as {
    sites: Array<{ rooms: Array<{ id: string }> }>;
  };
  catalog.sites[0]!.rooms[0]!.id = 'Studio Room';
  const file = join(dir, 'catalog.json');
  writeFileSync(file, JSON.stringify(catalog));
  return file;
}

describe('a launcher with a bad catalog', () => {
  const launchers = [
    ['npm start', 'scripts/start.ts', 'building the demo'],
    ['npm run stack', 'scripts/stack.ts', 'starting the ingest service'],
  ] as const;
  for (const [name, script, firstStep] of launchers) {
    it(`${name} refuses it first, naming the file and the mistake, before anything is built or started`, { timeout: 90_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'footfall-bad-catalog-'));
      try {
        const file = badCatalog(dir);
        const ports = [await freePort()];
        ports.push(await freePort(ports));
        const run = await runLauncher(script, {
          CATALOG_FILE: file,
          DATA_DIR: join(dir, 'data'),
          STACK_DIR: join(dir, 'stack'),
          PORT: String(ports[0]),
          INGEST_PORT: String(ports[0]),
          DEMO_PORT: String(ports[1]),
        });
        expect(run.code).toBe(1);
        expect(run.stderr.trim().split('\n')).toEqual([
          // The service's own message (CatalogError), where the README or docs are named.
          expect.stringMatching(new RegExp(`^catalog ${escaped(file)} cannot be used \\(see .*\\):$`)),
          expect.stringMatching(/^ {2}sites\[0\]\.rooms\[0\]\.id: "Studio Room" is not an id/),
        ]);
        expect(run.stdout).not.toContain(firstStep);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('npm run stack on a demo port the catalog does not list', () => {
  it('runs the ingest service with the demo origins added: its beacons are taken', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'footfall-stack-demo-port-'));
    const ingestPort = await freePort();
    const demoPort = await freePort([ingestPort]);
    const plan = stackPlan({ STACK_DIR: dir, INGEST_PORT: String(ingestPort), DEMO_PORT: String(demoPort) });
    const stack = new NativeStack(plan.options);
    try {
      // The ingest service alone: the Collector and Prometheus play no part in the origin check.
      await stack.start('ingest');
      const response = await fetch(`${stack.urls.ingest}/v1/beacon`, {
        method: 'POST',
        body: JSON.stringify({ site: 'portfolio', events: [beaconEvent()] }),
        headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA, origin: `http://localhost:${demoPort}` },
      });
      expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, refused: [] });
    } finally {
      await stack.stopAll();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
