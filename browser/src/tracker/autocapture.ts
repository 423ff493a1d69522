/** What the tracker does when the page changes under it. */
export interface PageHooks {
  /** The path may have changed (History API or the back button). */
  route(): void;
  /** `[data-footfall-object]` was clicked. */
  objectClick(object: string, room?: string): void;
  /** A click (or Enter on a focused link) not on a tagged object: it may follow a link. */
  link(event: Event): void;
  /** `visibilitychange` or `pagehide`. */
  visibility(event: Event): void;
}

/**
 * Listens for single-page-app route changes, declarative object clicks and the page being hidden
 * or left. `history.pushState` has no event of its own, so it is wrapped. Every listener sits on
 * the window in the capture phase: document events (click, visibilitychange) pass there first,
 * before any page handler can stop them. `guard` keeps every failure away from the page.
 */
export function listen(hooks: PageHooks, guard: <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => void): void {
  const pushState = history.pushState;
  history.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
    pushState.apply(this, args);
    guard(hooks.route)();
  };
  const on = (type: string, listener: (event: Event) => void) => addEventListener(type, guard(listener), true);
  on('popstate', hooks.route);
  on('pagehide', hooks.visibility);
  on('visibilitychange', hooks.visibility);
  // `click` is what follows a link in the same tab (the left button, with or without ctrl, cmd or
  // shift, and Enter on a focused link): the page may be gone a moment later, so the core records
  // it. A middle click (`auxclick`) keeps the page open: the lazy part records it.
  on('click', (event) => {
    const target = (event.target as Element).closest?.('[data-footfall-object]') as HTMLElement | null;
    target ? hooks.objectClick(target.dataset.footfallObject!, target.dataset.footfallRoom) : hooks.link(event);
  });
}
