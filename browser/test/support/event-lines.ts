import type { StoredEvent } from './ingest.js';

/** A stored event as one comparable line: `type path [detail]`. */
export function eventLine(event: StoredEvent): string {
  const detail =
    event.type === 'navigation'
      ? `${event.nav_from}->${event.nav_to}`
      : event.type.startsWith('object_')
        ? event.object_id
        : event.type.startsWith('room_')
          ? event.room_id
          : '';
  return `${event.type} ${event.path}${detail ? ` ${detail}` : ''}`;
}

/**
 * A visit's journey as sorted lines, hotspot clicks (`ui_click`) left out: how many of those are
 * recorded depends on when the lazily loaded part arrived, and hotspots-chromium.test.ts counts
 * them on a page of its own.
 */
export function journeyLines(events: StoredEvent[]): string[] {
  return events
    .map(eventLine)
    .filter((line) => !line.startsWith('ui_click '))
    .sort();
}
