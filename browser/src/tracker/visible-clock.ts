/**
 * Milliseconds the page has been visible since the clock started: it stands still while the tab
 * is hidden, so time spent counts only what the visitor could see. `update` on visibility changes.
 */
export function createVisibleClock(): { elapsed(): number; update(hidden: boolean): void } {
  let total = 0;
  // When the page became visible, or 0 while it is hidden (no real time is 0): fewer bytes than undefined.
  let visibleSince = 0;
  const elapsed = () => total + (visibleSince && Date.now() - visibleSince);
  const update = (hidden: boolean) => {
    total = elapsed();
    visibleSince = hidden ? 0 : Date.now();
  };
  update(document.hidden);
  return { elapsed, update };
}
