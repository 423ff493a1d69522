// The room panel, what no other analytics tool shows: every object of the 3D scene with its
// views, clicks and clicks per view, and which objects visitors saw but never clicked.

import { byId, el, fill } from './dom.js';
import { count, percent } from './format.js';
import type { Stats } from './types.js';

export function renderRoom(stats: Stats): void {
  labels = stats.labels?.objects ?? {};
  const most = Math.max(1, ...stats.objects.map((object) => Math.max(object.clicks, object.views)));
  const rows = stats.objects.map((object) => {
    const views = el('span', 'bar views');
    views.style.width = `${(object.views / most) * 100}%`;
    const clicks = el('span', 'bar clicks');
    clicks.style.width = `${(object.clicks / most) * 100}%`;
    const name = el('th', 'object', [el('span', 'bars', [views, clicks]), el('span', 'label', [object.label])]);
    name.scope = 'row';
    const rate = el('td', 'num', [object.click_rate === null ? '–' : percent(object.click_rate)]);
    if (object.click_rate === 0) rate.classList.add('alarm');
    return el('tr', object.clicks === 0 && object.views > 0 ? 'seen-only' : '', [
      name,
      el('td', 'num', [count(object.views)]),
      el('td', 'num', [count(object.clicks)]),
      rate,
    ]);
  });
  fill(byId('objects').querySelector('tbody')!, rows);
  const seenAny = stats.objects.some((object) => object.views > 0);
  chips(
    byId('seen-never-clicked'),
    stats.seen_never_clicked,
    seenAny ? 'None: every object seen was also clicked.' : 'No object was seen in this range.',
  );
  chips(
    byId('never-clicked'),
    stats.never_clicked.filter((object) => !stats.seen_never_clicked.includes(object)),
    'None.',
  );
}

/** The catalog's labels of objects, by id: what the owner reads. */
let labels: Record<string, string> = {};

function chips(list: HTMLElement, objects: string[], empty: string): void {
  fill(list, objects.length === 0 ? [el('li', 'empty', [empty])] : objects.map((object) => el('li', 'chip', [labels[object] ?? object])));
}
