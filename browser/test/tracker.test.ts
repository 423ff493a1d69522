// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../src/tracker/tracker.js';
import type { TrackerOptions } from '../src/tracker/types.js';
import { settle, startBeaconSink, type BeaconSink } from './support/beacon-sink.js';

// The tracker in a DOM (happy-dom), sending real HTTP requests (happy-dom's sendBeacon is a real
// POST) to a real local server. Browser states a DOM cannot reach by itself (privacy signals, a
// hidden tab, blocked storage) are set on the DOM objects, as the browser would.
let sink: BeaconSink;
let restore: (() => void)[] = [];
beforeEach(async () => {
  sink = await startBeaconSink();
  sessionStorage.clear();
});
afterEach(async () => {
  for (const undo of restore) undo();
  restore = [];
  await sink.close();
});

const start = (options: Partial<TrackerOptions> = {}) =>
  createTracker({ site: 'portfolio', endpoint: sink.endpoint, autoTrack: false, ...options });

const setNavigator = (name: string, value: unknown) => {
  Object.defineProperty(navigator, name, { value, configurable: true });
  restore.push(() => delete (navigator as unknown as Record<string, unknown>)[name]);
};

describe('tracker over beacons', () => {
  it('sends events of the contract shape, batched, with one session id', async () => {
    const tracker = start({ maxBatch: 3 });
    tracker.trackRoomEnter('studio');
    tracker.trackObjectClick('guitar', 'studio', { colour: 'red' });
    tracker.trackObjectView('laptop', 'studio');
    const events = await sink.waitForEvents(3);
    expect(sink.bodies).toHaveLength(1);
    expect(sink.bodies[0]!.contentType).toMatch(/^text\/plain/);
    expect(JSON.parse(sink.bodies[0]!.text).site).toBe('portfolio');
    expect(events.map((event) => [event.type, event.object ?? null, event.room])).toEqual([
      ['room_enter', null, 'studio'],
      ['object_click', 'guitar', 'studio'],
      ['object_view', 'laptop', 'studio'],
    ]);
    expect(events[1]!.props).toEqual({ colour: 'red' });
    expect(new Set(events.map((event) => event.session)).size).toBe(1);
    expect(new Set(events.map((event) => event.id)).size).toBe(3);
    for (const event of events) {
      expect(event.id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
      expect(Math.abs(event.ts - Date.now())).toBeLessThan(10_000);
      expect(event.path).toBe(location.pathname);
    }
  });

  it('holds a partial batch until flush', async () => {
    const tracker = start();
    tracker.trackNavigation('/about', '/room');
    await settle();
    expect(sink.bodies).toHaveLength(0);
    tracker.flush();
    const [navigation] = await sink.waitForEvents(1);
    expect(navigation).toMatchObject({ type: 'navigation', from: '/room', to: '/about' });
  });

  it('splits a large batch into bodies within the keepalive quota, losing nothing', async () => {
    const tracker = start({ maxBatch: 40 });
    const heavy = Object.fromEntries(Array.from({ length: 10 }, (_, key) => [`k${key}`, 'é'.repeat(256)]));
    for (let index = 0; index < 40; index++) tracker.trackObjectClick('camera', 'studio', { ...heavy, index });
    const events = await sink.waitForEvents(40);
    expect(sink.bodies.length).toBeGreaterThan(1);
    for (const body of sink.bodies) expect(body.bytes).toBeLessThanOrEqual(60 * 1024);
    expect(events.map((event) => event.props?.index)).toEqual(Array.from({ length: 40 }, (_, index) => index));
  });

  it('reports room time as visible milliseconds on room_exit', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    restore.push(() => vi.useRealTimers());
    const tracker = start();
    tracker.trackRoomEnter('studio');
    vi.advanceTimersByTime(2500);
    tracker.trackRoomExit('studio');
    tracker.flush();
    vi.useRealTimers();
    const events = await sink.waitForEvents(2);
    expect(events[1]).toMatchObject({ type: 'room_exit', room: 'studio', duration_ms: 2500 });
  });
});

describe('automatic tracking', () => {
  it('tracks page views, History API navigation, declarative clicks and visible time', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    restore.push(() => vi.useRealTimers());
    history.replaceState(null, '', '/');
    document.body.innerHTML = '<button data-footfall-object="record-player" data-footfall-room="studio"><span>play</span></button>';
    createTracker({ site: 'portfolio', endpoint: sink.endpoint });
    vi.advanceTimersByTime(1200);
    history.pushState(null, '', '/about');
    document.querySelector('span')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    vi.advanceTimersByTime(800);
    const hidden = vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    restore.push(() => hidden.mockRestore());
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    vi.useRealTimers();
    const events = await sink.waitForEvents(6);
    expect(events.map((event) => [event.type, event.path])).toEqual([
      ['page_view', '/'],
      ['time_spent', '/'],
      ['navigation', '/'],
      ['page_view', '/about'],
      ['object_click', '/about'],
      ['time_spent', '/about'],
    ]);
    expect(events[1]!.duration_ms).toBe(1200);
    expect(events[2]).toMatchObject({ from: '/', to: '/about' });
    expect(events[4]).toMatchObject({ object: 'record-player', room: 'studio' });
    expect(events[5]!.duration_ms).toBe(800);
  });
});

describe('privacy', () => {
  it('sends nothing under Global Privacy Control', async () => {
    setNavigator('globalPrivacyControl', true);
    const tracker = start();
    tracker.trackObjectClick('guitar');
    tracker.flush();
    await settle();
    expect(sink.bodies).toHaveLength(0);
    expect(sessionStorage.getItem('footfall')).toBeNull();
  });

  it('sends nothing under Do Not Track', async () => {
    setNavigator('doNotTrack', '1');
    const tracker = start();
    tracker.trackObjectClick('guitar');
    tracker.flush();
    await settle();
    expect(sink.bodies).toHaveLength(0);
  });

  it('waits for consent when asked to, and withdrawing it drops the queue', async () => {
    const tracker = start({ requireConsent: true });
    tracker.trackObjectClick('guitar');
    tracker.flush();
    await settle();
    expect(sink.bodies).toHaveLength(0);
    tracker.setConsent(true);
    tracker.trackObjectClick('plant');
    tracker.setConsent(false);
    tracker.trackObjectClick('poster');
    tracker.flush();
    tracker.setConsent(true);
    tracker.trackObjectClick('camera');
    tracker.flush();
    const events = await sink.waitForEvents(1);
    await settle();
    expect(sink.events().map((event) => event.object)).toEqual(['camera']);
    expect(events).toHaveLength(1);
  });

  it('drops a full batch still waiting for its task when consent is withdrawn before it runs', async () => {
    const tracker = start({ maxBatch: 2 });
    tracker.trackObjectClick('guitar');
    tracker.trackObjectClick('plant');
    tracker.setConsent(false);
    await settle();
    expect(sink.bodies).toHaveLength(0);
    tracker.setConsent(true);
    tracker.trackObjectClick('camera');
    tracker.flush();
    await sink.waitForEvents(1);
    await settle();
    expect(sink.events().map((event) => event.object)).toEqual(['camera']);
  });
});

describe('never throws into the page', () => {
  it('survives blocked storage, a throwing sendBeacon, bad arguments and an unreachable endpoint', async () => {
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.error);
    window.addEventListener('error', onError);
    restore.push(() => window.removeEventListener('error', onError));
    const storage = Object.getOwnPropertyDescriptor(window, 'sessionStorage')!;
    Object.defineProperty(window, 'sessionStorage', {
      configurable: true,
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
    restore.push(() => Object.defineProperty(window, 'sessionStorage', storage));
    setNavigator('sendBeacon', () => {
      throw new TypeError('beacon refused');
    });
    const unreachable = createTracker({ site: 'portfolio', endpoint: 'http://127.0.0.1:9/v1/beacon', autoTrack: false, maxBatch: 1 });
    const tracker = start({ maxBatch: 2 });
    const calls = () => {
      for (const target of [tracker, unreachable]) {
        target.trackObjectClick(undefined as never, null as never, { deep: 10n } as never);
        target.trackRoomExit('never-entered');
        target.track('object_click', { props: { big: 1n } as never });
        target.trackNavigation(undefined as never);
        target.flush();
      }
    };
    expect(calls).not.toThrow();
    await settle(500);
    expect(errors).toEqual([]);
  });
});
