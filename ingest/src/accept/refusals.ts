// What a request was refused, in one shape for every source: each refused item's index, its
// reason and, where there is one, the refused value; and the one-line summary every answer uses.
import type { RefusalReason } from '../events/event-row.js';

export interface Refusal {
  index: number;
  reason: RefusalReason;
  /** The refused value (an unknown object id...), shown to the owner by `/api/stats` `refused`. */
  value?: string;
}

/** How many items of each reason were refused: `2 bot, 1 unknown_object`. */
export function summariseReasons(reasons: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => `${count} ${reason}`).join(', ');
}
