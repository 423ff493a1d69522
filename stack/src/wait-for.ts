// Polls a condition until it holds or time runs out. Written here rather than taken from
// p-wait-for: its 6.0 release adds an abort listener on every poll and never removes it, so a
// wait of more than ten polls prints a memory-leak warning.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  intervalMs: number;
  timeoutMs: number;
}

/** Resolves true as soon as `check` does, false when `timeoutMs` passed first. A throw from
 * `check` ends the wait with that error. */
export async function waitFor(check: () => boolean | Promise<boolean>, { intervalMs, timeoutMs }: WaitOptions): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() + intervalMs > deadline) return false;
    await sleep(intervalMs);
  }
}

/** Like waitFor, but a time-out is an error carrying `what`. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
  if (!(await waitFor(check, options))) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}`);
}
