/**
 * Collects items and hands them over in one batch when `maxItems` are waiting, when `intervalMs`
 * has passed since the first one, or when `flush` is called (page hidden or left). Never holds
 * more than `maxItems`, so memory is bounded.
 */
export interface Batcher<T> {
  push(item: T): void;
  flush(): void;
  /** Drops what is waiting, unsent (consent withdrawn). */
  clear(): void;
}

export function createBatcher<T>(send: (items: T[]) => void, maxItems: number, intervalMs: number): Batcher<T> {
  let queue: T[] = [];
  // 0 when no timer runs: browsers' timer ids start at 1.
  let timer: ReturnType<typeof setTimeout> | 0 = 0;
  const clear = () => {
    clearTimeout(timer);
    timer = 0;
    queue = [];
  };
  const flush = () => {
    const items = queue;
    clear();
    if (items[0]) send(items);
  };
  return {
    push(item) {
      if (queue.push(item) >= maxItems) flush();
      else timer ||= setTimeout(flush, intervalMs);
    },
    flush,
    clear,
  };
}
