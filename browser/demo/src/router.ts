/**
 * Client-side navigation: `a[data-link]` clicks become `history.pushState`, and the back button
 * re-renders. The tracker sees both through the History API, with no call from here.
 */
export function startRouter(render: (path: string) => void): void {
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest('a[data-link]') as HTMLAnchorElement | null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    if (link.pathname !== location.pathname) history.pushState(null, '', link.pathname);
    render(location.pathname);
  });
  addEventListener('popstate', () => render(location.pathname));
  render(location.pathname);
}
