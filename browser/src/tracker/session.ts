import { randomId } from './ids.js';

const STORAGE_KEY = 'footfall';

/**
 * A session id kept in sessionStorage as `id.lastSeen`, renewed after `idleMs` without an event.
 * No cookie, nothing shared across tabs or kept after the tab closes. The item is read once, when
 * the tracker starts (the tab's earlier pages left it there), and written when a session starts
 * and by `store`, which the tracker calls with each batch it sends, the last one when the page is
 * hidden or left: not with every event, as a write costs the event's call about 0.1 ms in
 * Chromium, and half a millisecond once in a while. Within the page the id and its last event
 * live in memory, so two trackers of one tab (a page and a frame of the same origin) share the id
 * they read, not each other's later events. When storage is blocked (it throws), the id lives in
 * memory for the page's lifetime. The item is read and written as a property of the storage
 * (`sessionStorage.footfall`), the same item as getItem/setItem in fewer bytes.
 */
export function createSession(idleMs: number): [id: () => string, store: () => void] {
  let id: string | undefined;
  let lastSeen: string | number | undefined;
  // Reads the item while the page has no id yet, else writes it.
  const sync = () => {
    try {
      id ? (sessionStorage[STORAGE_KEY] = `${id}.${lastSeen}`) : ([id, lastSeen] = sessionStorage[STORAGE_KEY].split('.'));
    } catch {
      // Storage blocked, or nothing stored yet (no `split`): the id lives in memory.
    }
  };
  sync();
  return [
    () => {
      const seen = lastSeen;
      lastSeen = Date.now();
      // Nothing seen yet makes the idle time NaN, which no comparison passes: a new session.
      if (!(lastSeen - +seen! < idleMs)) {
        id = randomId();
        sync();
      }
      return id!;
    },
    sync,
  ];
}
