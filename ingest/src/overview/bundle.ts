/**
 * The overview page's script and style, bundled by esbuild from ingest/src/overview/page on the
 * first request and kept in memory: no build step, no files written, nothing fetched from a CDN
 * (uPlot comes from node_modules and is served from here).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));

export interface PageAssets {
  script: string;
  style: string;
}

let bundled: Promise<PageAssets> | undefined;

export function pageAssets(): Promise<PageAssets> {
  bundled ??= bundle().catch((error: unknown) => {
    bundled = undefined;
    throw error;
  });
  return bundled;
}

async function bundle(): Promise<PageAssets> {
  const result = await build({
    entryPoints: { overview: `${PAGE_DIR}main.ts`, style: `${PAGE_DIR}overview.css` },
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    logLevel: 'silent',
  });
  const text = (suffix: string) => result.outputFiles.find((file) => file.path.endsWith(suffix))?.text ?? '';
  return { script: text('overview.js'), style: text('style.css') };
}
