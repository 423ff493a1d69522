import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSize } from './gzip-size.js';

export interface BundleSize {
  name: string;
  minified: number;
  gzipped: number;
}

/** Relative static imports (`from"./x.js"`, `import"./x.js"`) of an esbuild ESM output. */
const staticImports = (code: string) => [...code.matchAll(/(?:from|import)\s*"(\.[^"]+)"/g)].map((match) => match[1]!);

/** A file and every chunk it statically imports: what the browser must load to run it. */
export async function bundleSize(name: string, file: string): Promise<BundleSize> {
  const seen = new Set<string>();
  const parts: Buffer[] = [];
  const visit = async (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const code = await readFile(path);
    parts.push(code);
    for (const specifier of staticImports(code.toString('utf8'))) await visit(join(dirname(path), specifier));
  };
  await visit(file);
  const all = Buffer.concat(parts);
  return { name, minified: all.length, gzipped: gzipSize(all) };
}
