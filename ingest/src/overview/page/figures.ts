// The row of headline figures, each with its change against the period before; a click on one
// draws it in the chart.

import { el, fill } from './dom.js';
import { change, count, duration, percent } from './format.js';
import type { Metric, Stats } from './types.js';

export const METRICS: Array<{ metric: Metric; label: string }> = [
  { metric: 'visitors', label: 'Visitors' },
  { metric: 'visits', label: 'Visits' },
  { metric: 'page_views', label: 'Page views' },
  { metric: 'room_entries', label: 'Room entries' },
];

export function renderFigures(container: Element, stats: Stats, selected: Metric, select: (metric: Metric) => void): void {
  const figures = METRICS.map(({ metric, label }) => {
    const { text, direction } = change(stats[metric], stats.previous[metric]);
    const button = el('button', metric === selected ? 'figure selected' : 'figure', [
      el('span', 'figure-label', [label]),
      el('span', 'figure-value', [count(stats[metric])]),
      el('span', `figure-change ${direction}`, [text]),
    ]);
    button.type = 'button';
    button.dataset.metric = metric;
    button.setAttribute('aria-pressed', String(metric === selected));
    button.title = `${label}: ${count(stats[metric])} (previous period ${count(stats.previous[metric])}). Click to chart it.`;
    button.addEventListener('click', () => select(metric));
    return button;
  });
  const quiet = (label: string, value: string, title: string) => {
    const figure = el('div', 'figure quiet', [el('span', 'figure-label', [label]), el('span', 'figure-value', [value])]);
    figure.title = title;
    return figure;
  };
  fill(container, [
    ...figures,
    quiet('Bounce rate', percent(stats.bounce_rate), 'Visits with at most one page view and no room entry'),
    quiet('Visit duration', duration(stats.visit_duration_s), 'Mean time from a visit’s first event to its last'),
  ]);
}
