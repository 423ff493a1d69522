/**
 * Everything the tracker decides not to send, and every failure it swallows, goes through one
 * function, so that debug mode can show why an event is missing.
 */
export type Ignored = (reason: string, detail?: unknown) => void;

export function createIgnored(debug?: boolean): Ignored {
  return (reason, detail) => {
    if (debug) console.debug('footfall', reason, detail);
  };
}
