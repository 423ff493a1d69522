/**
 * `npm run build`: the script-tag tracker, the ESM entry points (tracker, OpenTelemetry tier,
 * three.js adapter) and the demo portfolio, all into `browser/dist/`.
 */
import { rm } from 'node:fs/promises';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { browserRoot, distDir, esmBundles, scriptTagBundle } from './bundles.js';

/** The demo portfolio into `outDir` (default `dist/demo`). */
export async function buildDemo(outDir = `${distDir}/demo`): Promise<void> {
  await viteBuild({ configFile: `${browserRoot}demo/vite.config.ts`, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

export async function buildAll(): Promise<void> {
  await rm(distDir, { recursive: true, force: true });
  await Promise.all([esbuild(scriptTagBundle), esbuild(esmBundles)]);
  await buildDemo();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildAll();
  console.log(`built ${distDir}`);
}
