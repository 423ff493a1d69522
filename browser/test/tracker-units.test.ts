// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBatcher } from '../src/tracker/batcher.js';
import { MAX_BODY_BYTES, sendBodies } from '../src/tracker/bodies.js';
import { createSession } from '../src/tracker/session.js';
import type { FootfallEvent } from '../src/tracker/types.js';
import { createVisibleClock } from '../src/tracker/visible-clock.js';

// Time is outside our control here: these tests drive it with vitest's fake timers (setTimeout
// and Date). Two browser states no DOM test can produce otherwise are forced the same way: the
// tab being hidden, and storage blocked by the visitor's settings.
afterEach(() => {
  vi.useRealTimers();
  sessionStorage.clear();
});

const event = (index: number, props?: FootfallEvent['props']): FootfallEvent => ({
  id: `event_${String(index).padStart(4, '0')}`,
  type: 'object_click',
  ts: 1_700_000_000_000 + index,
  session: 'session_1',
  path: '/room',
  object: 'guitar',
  props,
});

describe('batcher', () => {
  it('sends a full batch in a task of its own, right after the call that filled it', () => {
    vi.useFakeTimers();
    const sent: number[][] = [];
    const batcher = createBatcher<number>((items) => sent.push(items), 3, 5000);
    [1, 2, 3].forEach(batcher.push);
    // Not in the call: the page's own handler does not wait for the send.
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(sent).toEqual([[1, 2, 3]]);
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(1);
  });

  it('never holds more than a batch: an item that comes while a full batch waits for its task sends that batch at once', () => {
    vi.useFakeTimers();
    const sent: number[][] = [];
    const batcher = createBatcher<number>((items) => sent.push(items), 3, 5000);
    [1, 2, 3, 4, 5, 6, 7].forEach(batcher.push);
    expect(sent).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    // The first full batch's task finds the item that came after: it goes early, not late.
    vi.advanceTimersByTime(0);
    expect(sent).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(3);
  });

  it('sends a full batch still waiting for its task on flush (the page left), and only once', () => {
    vi.useFakeTimers();
    const sent: number[][] = [];
    const batcher = createBatcher<number>((items) => sent.push(items), 3, 5000);
    [1, 2, 3].forEach(batcher.push);
    batcher.flush();
    expect(sent).toEqual([[1, 2, 3]]);
    vi.advanceTimersByTime(60_000);
    expect(sent).toEqual([[1, 2, 3]]);
  });

  it('sends a partial batch when the interval has passed since its first item', () => {
    vi.useFakeTimers();
    const sent: number[][] = [];
    const batcher = createBatcher<number>((items) => sent.push(items), 20, 5000);
    batcher.push(1);
    vi.advanceTimersByTime(3000);
    batcher.push(2);
    vi.advanceTimersByTime(1999);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([[1, 2]]);
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(1);
  });

  it('flushes on demand and sends nothing when empty', () => {
    vi.useFakeTimers();
    const sent: number[][] = [];
    const batcher = createBatcher<number>((items) => sent.push(items), 20, 5000);
    batcher.flush();
    batcher.push(1);
    batcher.flush();
    vi.advanceTimersByTime(10_000);
    batcher.flush();
    expect(sent).toEqual([[1]]);
  });
});

describe('beacon bodies', () => {
  const toBodies = (site: string, events: FootfallEvent[]) => {
    const bodies: string[] = [];
    sendBodies(site, events, (body) => bodies.push(body));
    return bodies;
  };

  it('keeps a small batch in one body of the contract shape', () => {
    const bodies = toBodies('portfolio', [event(1), event(2)]);
    expect(bodies).toHaveLength(1);
    expect(JSON.parse(bodies[0]!)).toEqual({ site: 'portfolio', events: [event(1), event(2)] });
  });

  it('sends one body per event when the batch might pass the keepalive quota, counting UTF-8 bytes', () => {
    // 10 props of 256 two-byte characters: about 5 KiB of UTF-8 per event, 2.6 KiB of UTF-16.
    const heavy = Object.fromEntries(Array.from({ length: 10 }, (_, key) => [`k${key}`, 'é'.repeat(256)]));
    const events = Array.from({ length: 100 }, (_, index) => event(index, heavy));
    const bodies = toBodies('portfolio', events);
    expect(bodies).toHaveLength(100);
    for (const body of bodies) expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    const delivered = bodies.flatMap((body) => (JSON.parse(body) as { events: FootfallEvent[] }).events);
    expect(delivered).toEqual(events);
  });

  it('sends an event alone in its body whatever its size', () => {
    const huge = event(1, { text: 'x'.repeat(30_000) });
    expect(toBodies('portfolio', [huge]).map((body) => JSON.parse(body))).toEqual([{ site: 'portfolio', events: [huge] }]);
  });

  it('keeps a batch whole up to a third of the quota in UTF-16 units', () => {
    const events = Array.from({ length: 20 }, (_, index) => event(index, { text: 'x'.repeat(700) }));
    const bodies = toBodies('portfolio', events);
    expect(bodies[0]!.length * 3).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(bodies).toHaveLength(1);
  });
});

describe('session', () => {
  const stored = () => sessionStorage.getItem('footfall');

  it('keeps one id while events come within 30 minutes, and starts a new one after', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T10:00:00Z'));
    const [session] = createSession(30 * 60_000);
    const first = session();
    expect(first).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    vi.advanceTimersByTime(29 * 60_000);
    expect(session()).toBe(first);
    vi.advanceTimersByTime(29 * 60_000);
    expect(session()).toBe(first);
    vi.advanceTimersByTime(30 * 60_000 + 1);
    const second = session();
    expect(second).not.toBe(first);
    // A session is written as it starts.
    expect(stored()).toMatch(new RegExp(`^${second}\\.\\d+$`));
  });

  it('writes when it was last seen on store (each batch sent), not with every event', () => {
    vi.useFakeTimers();
    vi.setSystemTime(10_000_000);
    const [session, store] = createSession(30 * 60_000);
    const id = session();
    expect(stored()).toBe(`${id}.10000000`);
    vi.advanceTimersByTime(999);
    expect(session()).toBe(id);
    expect(stored()).toBe(`${id}.10000000`);
    store();
    expect(stored()).toBe(`${id}.10000999`);
  });

  it("continues on the tab's next page from the last event stored, and ends 30 minutes after it", () => {
    vi.useFakeTimers();
    vi.setSystemTime(10_000_000);
    const [firstPage, storeFirstPage] = createSession(30 * 60_000);
    const id = firstPage();
    vi.advanceTimersByTime(60_000);
    firstPage();
    storeFirstPage();
    // The next page 30 minutes after the first page's last event, not its first: the same session.
    vi.advanceTimersByTime(30 * 60_000 - 1);
    expect(createSession(30 * 60_000)[0]()).toBe(id);
    // That page's event went unsent (no batch yet): nothing stored, its successor still counts from 10060000.
    expect(stored()).toBe(`${id}.10060000`);
    vi.advanceTimersByTime(2);
    expect(createSession(30 * 60_000)[0]()).not.toBe(id);
  });

  it('reads the storage once, when it starts, and never with an event', () => {
    const storage = Object.getOwnPropertyDescriptor(window, 'sessionStorage')!;
    let reads = 0;
    Object.defineProperty(window, 'sessionStorage', {
      configurable: true,
      get() {
        reads++;
        return storage.get!.call(window);
      },
    });
    try {
      const [session] = createSession(60_000);
      expect(reads).toBe(1);
      const id = session();
      // The session's start is written: one access.
      expect(reads).toBe(2);
      for (let index = 0; index < 10; index++) expect(session()).toBe(id);
      expect(reads).toBe(2);
    } finally {
      Object.defineProperty(window, 'sessionStorage', storage);
    }
  });

  it('is shared through sessionStorage by every tracker of the tab', () => {
    expect(createSession(60_000)[0]()).toBe(createSession(60_000)[0]());
  });

  it('lives in memory when storage is blocked (window.sessionStorage throws)', () => {
    const storage = Object.getOwnPropertyDescriptor(window, 'sessionStorage');
    let reads = 0;
    Object.defineProperty(window, 'sessionStorage', {
      configurable: true,
      get() {
        reads++;
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
    try {
      const [session, store] = createSession(60_000);
      const id = session();
      expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
      store();
      expect(session()).toBe(id);
      expect(reads).toBeGreaterThan(0);
    } finally {
      Object.defineProperty(window, 'sessionStorage', storage!);
    }
  });
});

describe('visible clock', () => {
  it('stands still while the page is hidden', () => {
    vi.useFakeTimers();
    const hidden = vi.spyOn(document, 'hidden', 'get').mockReturnValue(false);
    const clock = createVisibleClock();
    vi.advanceTimersByTime(1000);
    hidden.mockReturnValue(true);
    clock.update(true);
    vi.advanceTimersByTime(60_000);
    expect(clock.elapsed()).toBe(1000);
    hidden.mockReturnValue(false);
    clock.update(false);
    vi.advanceTimersByTime(500);
    expect(clock.elapsed()).toBe(1500);
    hidden.mockRestore();
  });
});
