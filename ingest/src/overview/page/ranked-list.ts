// A ranked list in the manner of Plausible's: each row a label and its figures, with a bar behind
// it as wide as the row's share. Widths are set through the CSSOM (element.style), which a strict
// style-src allows; style attributes in markup would not be.

import { el, fill } from './dom.js';
import { changeOf, count } from './format.js';

export interface RankedRow {
  label: string;
  /** A second, quieter line or suffix (a campaign's medium, a country's code). */
  detail?: string;
  values: number[];
  /** 0 to 1: the bar's width. */
  share: number;
  /** The change of the figure it is ranked by against the compared period (null: none then); absent when not compared. */
  change?: number | null;
  /** Which of `values` the row is ranked by (what `change` is of); the last when not given. */
  rankedBy?: number;
  /** The filter a click on the row sets, when the row can narrow the page. */
  filter?: { name: string; value: string };
}

export interface RankedList {
  title: string;
  /** The label column's heading, then one heading per value. */
  columns: string[];
  rows: RankedRow[];
  empty: string;
  note?: string;
}

export function renderRankedList(section: Element, list: RankedList, onFilter: (name: string, value: string) => void): void {
  const heading = el('h2', '', [list.title]);
  const note = list.note ? el('p', 'note', [list.note]) : null;
  if (list.rows.length === 0) {
    fill(section, [heading, note, el('p', 'empty', [list.empty])]);
    return;
  }
  const compared = list.rows.some((row) => row.change !== undefined);
  const head = el('div', 'list-head', [
    ...list.columns.map((column, index) => el('span', index === 0 ? 'label' : 'num', [column])),
    compared ? el('span', 'num change', ['Change']) : null,
  ]);
  const rows = list.rows.map((row) => {
    const bar = el('span', 'bar');
    bar.style.width = `${Math.max(0, Math.min(1, row.share)) * 100}%`;
    const label = el('span', 'label', [row.label, row.detail ? el('small', '', [row.detail]) : null]);
    label.title = row.detail ? `${row.label} ${row.detail}` : row.label;
    const shown = compared ? changeOf(row.change ?? null, row.values.at(row.rankedBy ?? -1) ?? 0) : undefined;
    const item = el('li', 'row', [
      bar,
      label,
      ...row.values.map((value) => el('span', 'num', [count(value)])),
      shown ? el('span', `num change ${shown.direction}`, [shown.text]) : null,
    ]);
    const filter = row.filter;
    if (filter) {
      // A row that filters is a button for the keyboard and for screen readers too.
      item.classList.add('filters');
      item.tabIndex = 0;
      item.setAttribute('role', 'button');
      item.title = `Show only visits with ${row.label}`;
      item.addEventListener('click', () => onFilter(filter.name, filter.value));
      item.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onFilter(filter.name, filter.value);
        }
      });
    }
    return item;
  });
  fill(section, [heading, note, head, el('ol', 'ranked', rows)]);
}

/** Shares against a total, or against the largest row when there is no total to speak of. */
export function shareOf(value: number, total: number, rows: number[]): number {
  const base = total > 0 ? total : Math.max(0, ...rows);
  return base > 0 ? value / base : 0;
}
