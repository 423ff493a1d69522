import { UI_CLICK_PROPS, UI_CLICK_TEXT_CHARS, VIEWPORT_MAX_WIDTH, type Viewport } from '@footfall/contract';
import type { CoreHandle } from '../core-handle.js';

/** Ancestors named in a tag path below the nearest element with an id (or the body). */
const PATH_DEPTH = 3;

/** Anything like an e-mail address: never part of a selector, whatever attribute or text held it. */
const EMAIL = /\S+@\S+/g;

/**
 * An id worth keeping: one a person wrote. Frameworks' generated ids (`ember123`, `:r1:`,
 * `mui-4711`) carry runs of digits or colons and change from build to build, so they do not name
 * the same element tomorrow.
 */
const STABLE_ID = /^[A-Za-z][\w-]*$/;
const GENERATED = /\d{3}/;

const stableId = (element: Element) => STABLE_ID.test(element.id) && !GENERATED.test(element.id) && element.id;

/** The viewport's class by the window's width, so a phone's layout never mixes with a desktop's. */
export function viewportClass(width = innerWidth): Viewport {
  return width < VIEWPORT_MAX_WIDTH.phone ? 'phone' : width < VIEWPORT_MAX_WIDTH.tablet ? 'tablet' : 'desktop';
}

/**
 * A selector that names the same element on the next visit: `#id`; else its first `data-*`
 * attribute (`[data-test="buy"]`); else the tag path below the nearest ancestor with an id
 * (`#nav>li>a`, at most PATH_DEPTH tags), followed, for a link or a button, by at most
 * UI_CLICK_TEXT_CHARS of its own text in quotes. Never an input's value or text; e-mail
 * addresses are taken out of anything kept.
 */
export function selectorOf(element: Element): string {
  const id = stableId(element);
  if (id) return `#${id}`;
  // A value-less data attribute is a framework's mark (Vue's `data-v-3fa2b1`), not a name.
  const data = [...element.attributes].find(({ name, value }) => name.startsWith('data-') && value && !value.includes('@'));
  if (data) return `[${data.name}="${data.value.slice(0, UI_CLICK_TEXT_CHARS)}"]`;
  const tags: string[] = [];
  let at: Element | null = element;
  for (; at && at !== document.body && tags.length < PATH_DEPTH && !stableId(at); at = at.parentElement) tags.unshift(at.localName);
  const anchor = at && at !== document.body && stableId(at);
  const path = (anchor ? [`#${anchor}`, ...tags] : tags).join('>') || element.localName;
  if (!/^(a|button)$/.test(element.localName)) return path;
  const text = (element.textContent ?? '').replace(EMAIL, '').replace(/\s+/g, ' ').slice(0, UI_CLICK_TEXT_CHARS).trim();
  return text ? `${path} "${text}"` : path;
}

/** A share of a length, in whole percent between 0 and 100. */
const percent = (part: number, whole: number) => Math.min(100, Math.max(0, Math.round((part / Math.max(1, whole)) * 100)));

/**
 * Hotspots: every click on any element (not only tagged objects) becomes a `ui_click` with the
 * element's selector and tag, where on the document it was (a share of its width and height,
 * whole percent) and the viewport's class. The element is the link or button clicked inside, if
 * any, else the element itself. Clicks are recorded from this part's arrival on: the core keeps
 * none for it (its bytes go to links followed in the first second). A click without a pointer
 * (Enter on a link: `detail` 0) has no place and is left out, as are middle clicks.
 */
export function startHotspots(core: CoreHandle): void {
  const record = (event: Event) => {
    const click = event as MouseEvent;
    const target = click.target as Element;
    if (click.type !== 'click' || !click.detail || !target.closest) return;
    const element = target.closest('a,button') ?? target;
    const page = document.documentElement;
    core.tracker.track('ui_click', {
      props: {
        [UI_CLICK_PROPS.selector]: selectorOf(element),
        [UI_CLICK_PROPS.tag]: element.localName,
        [UI_CLICK_PROPS.x]: percent(click.pageX, Math.max(page.scrollWidth, document.body.scrollWidth)),
        [UI_CLICK_PROPS.y]: percent(click.pageY, Math.max(page.scrollHeight, document.body.scrollHeight)),
        [UI_CLICK_PROPS.viewport]: viewportClass(),
      },
    });
  };
  addEventListener('click', record, { capture: true, passive: true });
}
