import { readFileSync } from 'node:fs';

/**
 * How many files this process may hold open: the soft RLIMIT_NOFILE, which Node.js raises to the
 * hard limit at start, so this is what `ulimit -n -H` allowed. Node.js has no getrlimit, so it is
 * read from /proc; undefined where there is none (not Linux) or the limit is `unlimited`.
 */
export function openFilesLimit(limitsFile = '/proc/self/limits'): number | undefined {
  let text: string;
  try {
    text = readFileSync(limitsFile, 'utf8');
  } catch {
    return undefined;
  }
  // "Max open files            20000                20000                files"
  const soft = /^Max open files\s+(\d+)\s/m.exec(text)?.[1];
  return soft === undefined ? undefined : Number(soft);
}
