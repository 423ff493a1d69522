/**
 * Type declarations of the ESM entry points, for the published package: the TypeScript compiler
 * run on the three entry files with `--emitDeclarationOnly`, so `import ... from
 * '@footfall/browser'` is typed in a consumer's editor. esbuild, which makes the JavaScript,
 * writes no declarations. The compiler is the repository's own (its command line: TypeScript 7
 * has no JavaScript API).
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { browserRoot } from './bundles.js';

/** The entry points whose declarations (and those of everything they import) are emitted. */
export const declarationEntries = ['src/index.ts', 'src/otel/index.ts', 'src/three/index.ts'];

// The package exports no path to its command, only its package.json, beside which it lives.
const tscBin = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');

export async function emitDeclarations(outDir: string): Promise<void> {
  const args = [
    tscBin,
    ...declarationEntries.map((entry) => `${browserRoot}${entry}`),
    '--ignoreConfig',
    '--declaration',
    '--emitDeclarationOnly',
    '--outDir',
    outDir,
    '--rootDir',
    `${browserRoot}src`,
    '--target',
    'es2022',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--lib',
    'es2022,dom',
    '--types',
    '',
    '--strict',
    '--skipLibCheck',
    '--verbatimModuleSyntax',
  ];
  try {
    await promisify(execFile)(process.execPath, args, { cwd: browserRoot });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`type declarations failed:\n${stdout}${stderr}`);
  }
}
