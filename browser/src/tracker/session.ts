import { randomId } from './ids.js';

const STORAGE_KEY = 'footfall';

/**
 * A session id kept in sessionStorage as `id.lastSeen`, renewed after `idleMs` without an event.
 * No cookie, nothing shared across tabs or kept after the tab closes. When storage is blocked
 * (it throws), the id lives in memory for the page's lifetime.
 */
export function createSession(idleMs: number): () => string {
  let remembered = '';
  return () => {
    const at = Date.now();
    try {
      remembered = sessionStorage.getItem(STORAGE_KEY) || remembered;
    } catch {
      // Storage blocked: the in-memory value serves this page.
    }
    const [id, lastSeen] = remembered.split('.');
    const current = id && at - +lastSeen! < idleMs ? id : randomId();
    remembered = current + '.' + at;
    try {
      sessionStorage.setItem(STORAGE_KEY, remembered);
    } catch {
      // As above: blocked storage leaves the in-memory value.
    }
    return current;
  };
}
