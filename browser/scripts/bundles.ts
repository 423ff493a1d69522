import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { minify, type MinifyOptions } from 'terser';

/** The browser workspace's folder, whatever the current directory. */
export const browserRoot = fileURLToPath(new URL('..', import.meta.url));
export const distDir = `${browserRoot}dist`;

const common: BuildOptions = {
  bundle: true,
  minify: true,
  target: 'es2020',
  platform: 'browser',
  legalComments: 'none',
  logLevel: 'warning',
};

/**
 * The script-tag tracker: one IIFE file, `window.footfall`, held to the size budget. Three
 * settings buy the bytes: ES2022 syntax as written (no lowering of `??=`), internal property
 * names mangled (only names that never cross the bundle's edge, and the core handle's, which
 * its lazy part gets mangled alike: see `buildScriptTag`), and no "use strict" prologue, which
 * nothing in the tracker relies on. `FOOTFALL_SCRIPT_TAG` tells the tracker's code it is in the
 * script tag, which never passes an OpenTelemetry sink: the sink's calls go (11 bytes).
 */
export const scriptTagBundle: BuildOptions = {
  ...common,
  define: { FOOTFALL_SCRIPT_TAG: 'true' },
  target: 'es2022',
  mangleProps: /^(route|visibility|objectClick|link|elapsed|update|clear|record|core|options|tracker|send|notes)$/,
  tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
  entryPoints: [`${browserRoot}src/tracker/script-tag.ts`],
  format: 'iife',
  outfile: `${distDir}/footfall.js`,
};

/** The script tag's lazily loaded part, `footfall-extra.js`, fetched by the core from its own folder. */
export const scriptTagExtraBundle: BuildOptions = {
  ...scriptTagBundle,
  entryPoints: [`${browserRoot}src/tracker/extra/script-tag-extra.ts`],
  outfile: `${distDir}/footfall-extra.js`,
};

/** The heatmap overlay, `footfall-heatmap.js`: the lazy part fetches it only for the owner's heatmap link. */
export const scriptTagHeatmapBundle: BuildOptions = {
  ...scriptTagBundle,
  entryPoints: [`${browserRoot}src/tracker/extra/script-tag-heatmap.ts`],
  outfile: `${distDir}/footfall-heatmap.js`,
};

/**
 * The worker the lazy part sends from, `footfall-worker.js`: a file beside the others, as a worker
 * must be of the page's origin and a strict policy forbids a `blob:` one.
 */
export const scriptTagWorkerBundle: BuildOptions = {
  ...scriptTagBundle,
  entryPoints: [`${browserRoot}src/tracker/extra/script-tag-worker.ts`],
  outfile: `${distDir}/footfall-worker.js`,
};

export interface ScriptTagFiles {
  'footfall.js': string;
  'footfall-extra.js': string;
  'footfall-heatmap.js': string;
  'footfall-worker.js': string;
}

/**
 * Terser after esbuild, for the script tag only: esbuild bundles and mangles the properties (its
 * mangle cache keeps the two files agreeing), then Terser's compressor, run three times over,
 * inlines what is used once (most of the tracker's small factories) and finds shorter forms:
 * about 90 bytes of gzip that esbuild's minifier leaves. More passes, and its `unsafe` options,
 * gain nothing more here.
 */
const terserOptions: MinifyOptions = { ecma: 2022, compress: { passes: 3 }, mangle: true };

const squeeze = async (code: string): Promise<string> => (await minify(code, terserOptions)).code!;

/**
 * The script tag's four files, in memory. The lazy part and the heatmap are built with the core's mangle cache,
 * so the handle's mangled property names agree across the two files.
 */
export async function buildScriptTag(): Promise<ScriptTagFiles> {
  const core = await build({ ...scriptTagBundle, write: false, mangleCache: {} });
  const extra = await build({ ...scriptTagExtraBundle, write: false, mangleCache: core.mangleCache });
  const heatmap = await build({ ...scriptTagHeatmapBundle, write: false, mangleCache: core.mangleCache });
  const worker = await build({ ...scriptTagWorkerBundle, write: false });
  const [coreCode, extraCode, heatmapCode, workerCode] = await Promise.all(
    [core, extra, heatmap, worker].map((built) => squeeze(built.outputFiles[0]!.text)),
  );
  return {
    'footfall.js': coreCode!,
    'footfall-extra.js': extraCode!,
    'footfall-heatmap.js': heatmapCode!,
    'footfall-worker.js': workerCode!,
  };
}

/**
 * The ESM entry points for bundlers: the tracker (with the OpenTelemetry tier as a lazily
 * imported chunk), the OpenTelemetry tier alone, and the three.js adapter (three.js stays a
 * peer dependency).
 */
export const esmBundles: BuildOptions = {
  ...common,
  entryPoints: {
    index: `${browserRoot}src/index.ts`,
    otel: `${browserRoot}src/otel/index.ts`,
    three: `${browserRoot}src/three/index.ts`,
  },
  format: 'esm',
  splitting: true,
  external: ['three'],
  outdir: `${distDir}/esm`,
  chunkNames: 'chunks/[name]-[hash]',
};
