// Where the upstream tools of the stack live, and a clear failure when one is missing.
// `npm run setup` (scripts/tools.sh) builds the Collector into the tools cache and installs
// Debian's prometheus package (prometheus, promtool in /usr/bin).
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type ToolName = 'otelcol' | 'prometheus' | 'promtool';

/** The folder scripts/tools.sh builds into; keep in step with its TOOLS_DIR. */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FOOTFALL_TOOLS_DIR) return env.FOOTFALL_TOOLS_DIR;
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'footfall', 'tools');
}

function candidates(name: ToolName): string[] {
  const built = join(toolsDir(), 'bin', name);
  // Prometheus and promtool come from Debian's package; the Collector only from our build,
  // so a different version elsewhere on PATH never sneaks into a test.
  return name === 'prometheus' || name === 'promtool' ? [built, join('/usr/bin', name)] : [built];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of a tool; throws naming `npm run setup` when it is not installed. */
export function toolPath(name: ToolName): string {
  const tried = candidates(name);
  const found = tried.find(isExecutable);
  if (found) return found;
  throw new Error(`${name} is not installed (looked in ${tried.join(', ')}): run \`npm run setup\` (or \`npm run tools\`) first`);
}
