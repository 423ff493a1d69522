import type { FootfallEvent } from './types.js';

/** Browsers give all in-flight keepalive requests of a page 64 KiB together; leave headroom. */
export const MAX_BODY_BYTES = 60 * 1024;

/**
 * Sends a batch as beacon bodies (`{"site", "events"}`): one body while it surely fits the
 * keepalive quota (a UTF-16 unit is at most 3 UTF-8 bytes), else one body per event. An event is
 * bounded far below the quota by the contract (a few KiB at most), and batches hold at most 100
 * events, so this rare case needs no finer splitting: fewer bytes in the script tag.
 */
export function sendBodies(site: string, events: FootfallEvent[], send: (body: string) => unknown): void {
  const body = JSON.stringify({ site, events });
  body.length * 3 > MAX_BODY_BYTES && events[1] ? events.map((event) => sendBodies(site, [event], send)) : send(body);
}
