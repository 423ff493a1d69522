// Which modules a service under test loaded: record-imports.mjs, preloaded into it, writes the
// URL of every module it resolves to a file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The environment that makes a service write every module it resolves to `file`. */
export function recordingImports(file: string): Record<string, string> {
  return {
    NODE_OPTIONS: `--import=${fileURLToPath(new URL('./record-imports.mjs', import.meta.url))}`,
    FOOTFALL_TEST_IMPORTS_FILE: file,
  };
}

/** The URLs written to `file`, one per module resolved (a module resolved again is there again). */
export function recordedImports(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}
