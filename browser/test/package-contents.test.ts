/**
 * `@footfall/browser` as npm would publish it: the package built into a temporary folder beside a
 * copy of its package.json, then `npm pack --dry-run` asked what it would pack. Exactly the
 * script tag's four files (core, lazy part, heatmap overlay, worker), the ESM entry points with
 * their chunks, their type declarations and the licence; never the demo, the sources or the
 * tests; and every `exports` target among them.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../scripts/build.js';
import { browserRoot } from '../scripts/bundles.js';

interface Manifest {
  private?: boolean;
  version: string;
  license: string;
  types: string;
  exports: Record<string, string | { types: string; default: string }>;
}

let dir: string;
let packed: string[];
let manifest: Manifest;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'footfall-package-'));
  await copyFile(join(browserRoot, 'package.json'), join(dir, 'package.json'));
  await buildPackage(join(dir, 'dist'));
  // --ignore-scripts: prepack would build again, into the real dist/.
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir });
  packed = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path).sort();
  manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the published package', () => {
  it('is publishable: not private, versioned, licensed, typed', () => {
    expect(manifest.private).toBeUndefined();
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.license).toBe('Apache-2.0');
    expect(manifest.types).toBe('./dist/types/index.d.ts');
  });

  it('packs exactly the builds, their declarations and the licence', () => {
    const chunks = packed.filter((path) => path.startsWith('dist/esm/chunks/'));
    const declarations = packed.filter((path) => path.startsWith('dist/types/'));
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(chunk).toMatch(/^dist\/esm\/chunks\/(chunk|start-extra)-[A-Z0-9]+\.js$/);
    // One declaration file for each source file the entry points reach, nothing else.
    for (const declaration of declarations) expect(declaration).toMatch(/^dist\/types\/(otel|three|tracker\/)?[\w/-]*\.d\.ts$/);
    expect(declarations).toEqual(
      expect.arrayContaining([
        'dist/types/index.d.ts',
        'dist/types/otel/index.d.ts',
        'dist/types/three/index.d.ts',
        'dist/types/tracker/types.d.ts',
      ]),
    );
    expect(packed.filter((path) => !chunks.includes(path) && !declarations.includes(path))).toEqual([
      'dist/LICENSE',
      'dist/esm/index.js',
      'dist/esm/otel.js',
      'dist/esm/three.js',
      'dist/footfall-extra.js',
      'dist/footfall-heatmap.js',
      'dist/footfall-worker.js',
      'dist/footfall.js',
      'package.json',
    ]);
  });

  it('points every export at a packed file', () => {
    const targets = Object.values(manifest.exports).flatMap((target) =>
      typeof target === 'string' ? [target] : [target.types, target.default],
    );
    expect(targets).toHaveLength(11);
    for (const target of targets) expect(packed, target).toContain(target.replace(/^\.\//, ''));
  });
});
