// Building the page's elements without innerHTML: text is always text, so no value from the
// data (a path, a referrer, a refused object id) can ever become markup.

type Child = Node | string | null | undefined | false;

/** `el('li', 'row', ['text', child])`: an element with classes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', children: Child[] = []): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Replaces an element's children. */
export function fill(parent: Element, children: Child[]): void {
  parent.replaceChildren(...(children.filter((child) => child !== null && child !== undefined && child !== false) as Array<Node | string>));
}
