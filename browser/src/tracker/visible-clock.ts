/**
 * Milliseconds the page has been visible since the clock started: it stands still while the tab
 * is hidden, so time spent counts only what the visitor could see. `update` on visibility changes.
 */
export function createVisibleClock(): { elapsed(): number; update(hidden: boolean): void } {
  let total = 0;
  let visibleSince: number | undefined;
  const elapsed = () => total + (visibleSince === undefined ? 0 : Date.now() - visibleSince);
  const update = (hidden: boolean) => {
    total = elapsed();
    visibleSince = hidden ? undefined : Date.now();
  };
  update(document.hidden);
  return { elapsed, update };
}
