/**
 * Collects items and hands them over in one batch when `maxItems` are waiting, when `intervalMs`
 * has passed since the first one, or when `flush` is called (page hidden or left, consent given
 * or withdrawn: the callback then drops them). A full batch
 * goes out in a task of its own, right after the call that filled it: sending costs the main
 * thread about half a millisecond in Chromium (the request's set-up, not its bytes), which the
 * page's own handler (a click, say) then does not wait for, and the browser may paint in between.
 * Never holds more than `maxItems`, so memory is bounded: an item that comes while a full batch
 * still waits for its task sends that batch at once. A page left before the task runs loses
 * nothing either: `flush` on `pagehide` sends what waits.
 */
export interface Batcher<T> {
  push(item: T): void;
  flush(): void;
}

export function createBatcher<T>(send: (items: T[]) => void, maxItems: number, intervalMs: number): Batcher<T> {
  let queue: T[] = [];
  // 0 when no timer runs: browsers' timer ids start at 1.
  let timer: ReturnType<typeof setTimeout> | 0 = 0;
  const flush = () => {
    const items = queue;
    queue = [];
    clearTimeout(timer);
    timer = 0;
    if (items[0]) send(items);
  };
  return {
    push(item) {
      if (queue[maxItems - 1]) flush();
      // The timer of a full batch is not kept: if the batch went out before it fires (`flush`),
      // it finds nothing or sends what came since a little early. Fewer bytes than replacing it.
      queue.push(item) < maxItems ? (timer ||= setTimeout(flush, intervalMs)) : setTimeout(flush);
    },
    flush,
  };
}
