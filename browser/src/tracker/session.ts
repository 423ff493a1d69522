import { randomId } from './ids.js';

const STORAGE_KEY = 'footfall';

/**
 * A session id kept in sessionStorage as `id.lastSeen`, renewed after `idleMs` without an event.
 * No cookie, nothing shared across tabs or kept after the tab closes. When storage is blocked
 * (it throws), the id lives in memory for the page's lifetime. Writing to storage costs tens of
 * microseconds in Chromium, reading almost nothing, so `lastSeen` is written at most once a
 * second: a second is nothing against a 30-minute window. The item is read and written as a
 * property of the storage (`sessionStorage.footfall`), the same item as getItem/setItem in fewer bytes.
 */
export function createSession(idleMs: number): () => string {
  let remembered = '';
  return () => {
    const at = Date.now();
    try {
      remembered = sessionStorage[STORAGE_KEY] || remembered;
    } catch {
      // Storage blocked: the in-memory value serves this page.
    }
    let [id, lastSeen] = remembered.split('.');
    // Nothing stored yet makes `idle` NaN, which no comparison passes: a new session.
    const idle = at - +lastSeen!;
    if (!(idle < idleMs)) id = randomId();
    else if (idle < 1000) return id!;
    remembered = `${id}.${at}`;
    try {
      sessionStorage[STORAGE_KEY] = remembered;
    } catch {
      // As above: blocked storage leaves the in-memory value.
    }
    return id!;
  };
}
