/**
 * `npm run build`: the script-tag tracker, the ESM entry points (tracker, OpenTelemetry tier,
 * three.js adapter) with their type declarations, and the demo portfolio, all into
 * `browser/dist/`. What the published package holds is `buildPackage`'s output, without the demo.
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { browserRoot, buildScriptTag, distDir, esmBundles } from './bundles.js';
import { emitDeclarations } from './declarations.js';

/** The demo portfolio into `outDir` (default `dist/demo`). */
export async function buildDemo(outDir = `${distDir}/demo`): Promise<void> {
  await viteBuild({ configFile: `${browserRoot}demo/vite.config.ts`, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

/**
 * What the npm package ships, into `outDir` (default `dist`): `footfall.js` with its lazily
 * loaded part `footfall-extra.js`, `esm/`, `types/`
 * and the licence (npm adds a LICENSE only from the package's own folder, and ours is the
 * repository's).
 */
export async function buildPackage(outDir = distDir): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await Promise.all([
    buildScriptTag().then((files) => Promise.all(Object.entries(files).map(([name, text]) => writeFile(`${outDir}/${name}`, text)))),
    esbuild({ ...esmBundles, outdir: `${outDir}/esm` }),
    emitDeclarations(`${outDir}/types`),
    copyFile(`${browserRoot}../LICENSE`, `${outDir}/LICENSE`),
  ]);
}

export async function buildAll(): Promise<void> {
  await rm(distDir, { recursive: true, force: true });
  await buildPackage();
  await buildDemo();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildAll();
  console.log(`built ${distDir}`);
}
