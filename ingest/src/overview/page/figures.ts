// The row of headline figures, each with its change against the period before; a click on one
// draws it in the chart.

import { el, fill } from './dom.js';
import { changeOf, count, duration, percent } from './format.js';
import type { Metric, Stats } from './types.js';

export const METRICS: Array<{ metric: Metric; label: string }> = [
  { metric: 'visitors', label: 'Visitors' },
  { metric: 'visits', label: 'Visits' },
  { metric: 'page_views', label: 'Page views' },
  { metric: 'room_entries', label: 'Room entries' },
];

/** What the figures are compared with, for the titles; null: no comparison shown. */
export type Compared = 'the previous period' | 'a year before' | null;

export function renderFigures(
  container: Element,
  stats: Stats,
  selected: Metric,
  compared: Compared,
  select: (metric: Metric) => void,
): void {
  const changeSpan = (name: keyof Stats['changes'], current: number, invert = false) => {
    if (compared === null) return null;
    const { text, direction } = changeOf(stats.changes[name], current);
    // A higher bounce rate is worse: its colour is turned round.
    const shown = invert && direction !== 'flat' ? (direction === 'up' ? 'down' : 'up') : direction;
    return el('span', `figure-change ${shown}`, [text]);
  };
  const figures = METRICS.map(({ metric, label }) => {
    const button = el('button', metric === selected ? 'figure selected' : 'figure', [
      el('span', 'figure-label', [label]),
      el('span', 'figure-value', [count(stats[metric])]),
      changeSpan(metric, stats[metric]),
    ]);
    button.type = 'button';
    button.dataset.metric = metric;
    button.setAttribute('aria-pressed', String(metric === selected));
    button.title =
      compared === null
        ? `${label}: ${count(stats[metric])}. Click to chart it.`
        : `${label}: ${count(stats[metric])} (${compared}: ${count(stats.previous[metric])}). Click to chart it.`;
    button.addEventListener('click', () => select(metric));
    return button;
  });
  const quiet = (name: 'bounce_rate' | 'visit_duration_s', label: string, show: (value: number) => string, title: string) => {
    const figure = el('div', 'figure quiet', [
      el('span', 'figure-label', [label]),
      el('span', 'figure-value', [show(stats[name])]),
      changeSpan(name, stats[name], name === 'bounce_rate'),
    ]);
    figure.dataset.metric = name;
    figure.title = compared === null ? title : `${title} (${compared}: ${show(stats.previous[name])})`;
    return figure;
  };
  fill(container, [
    ...figures,
    quiet('bounce_rate', 'Bounce rate', percent, 'Visits with at most one page view and no room entry'),
    quiet('visit_duration_s', 'Visit duration', duration, 'Mean time from a visit’s first event to its last'),
  ]);
}
