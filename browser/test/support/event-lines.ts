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
