// The funnel: how many visits did the chosen steps in this order over the page's period
// (/api/funnel, narrowed by the page's filters), each step with its share of the first as the bar
// and, when a comparison is chosen, its count in the compared period and its change, as the other
// compared figures show theirs. The steps live in the address (`step=`, as the API takes them), so
// a reload or a shared link shows the same funnel; without them the page asks the site's own
// question: a page, the room, a click on an object (a site without objects: a page, then its
// goals). A form changes them.

import type { Funnel } from '../../stats/funnel.js';
import type { Api } from './api.js';
import { el, fill } from './dom.js';
import type { Compared } from './figures.js';
import { changeOf, count, percent } from './format.js';
import type { Stats } from './types.js';

/** The API's most steps (stats/funnel.ts MAX_STEPS). */
const MAX_STEPS = 8;
/** The portfolio's own question, as Grafana's funnel asks it by default. */
const ROOM_STEPS = ['page_view', 'room_enter', 'object_click'];
/** What a compared count's column is headed, by what it is compared with. */
const BEFORE: Record<NonNullable<Compared>, string> = { 'the previous period': 'Before', 'a year before': 'Year before' };

/** The funnel the page shows when the address names none. */
export function defaultSteps(hasObjects: boolean, goals: readonly string[]): string[] {
  if (hasObjects) return ROOM_STEPS;
  return goals.length === 0 ? [] : ['page_view', ...goals.slice(0, MAX_STEPS - 1).map((goal) => `goal:${goal}`)];
}

/** A step as the owner reads it: "viewed /about", "clicked Acoustic guitar", "reached goal CV". */
export function stepText(step: string, labels: Stats['labels']): string {
  const colon = step.indexOf(':');
  const type = colon === -1 ? step : step.slice(0, colon);
  const target = colon === -1 ? undefined : step.slice(colon + 1);
  const object = target === undefined ? undefined : (labels.objects[target] ?? target);
  switch (type) {
    case 'goal':
      return `reached goal ${target}`;
    case 'page_view':
      return target === undefined ? 'viewed a page' : `viewed ${target}`;
    case 'room_enter':
      return target === undefined ? 'entered the room' : `entered ${labels.rooms[target] ?? target}`;
    case 'object_view':
      return object === undefined ? 'saw an object' : `saw ${object}`;
    case 'object_click':
      return object === undefined ? 'clicked an object' : `clicked ${object}`;
    default:
      return step;
  }
}

export class FunnelSection {
  /** Counts the funnels asked for: an answer for an earlier one is dropped. */
  #asked = 0;
  /** The figures, redrawn with each answer; the form beside them stays while its steps do, so a refresh never takes what is being typed. */
  readonly #body = el('div', 'funnel-body');
  #form: HTMLFormElement | undefined;
  #formSteps = '';

  constructor(
    private readonly section: HTMLElement,
    private readonly api: Api,
    /** Called with the steps the owner typed into the form. */
    private readonly choose: (steps: string[]) => void,
  ) {}

  /** Reads the funnel of `steps` over `period` and shows it; the API's refusal is shown above the form, to be corrected. */
  async show(
    site: string,
    period: Record<string, string>,
    steps: readonly string[],
    compared: Compared,
    stats: Pick<Stats, 'labels' | 'filters'>,
  ): Promise<void> {
    this.#asked += 1;
    const asked = this.#asked;
    if (this.#form === undefined || this.#formSteps !== steps.join('\n')) {
      this.#form = this.#formOf(steps);
      this.#formSteps = steps.join('\n');
      fill(this.section, [el('h2', '', ['Funnel']), this.#body, this.#form]);
    }
    this.section.hidden = false;
    if (steps.length === 0) {
      fill(this.#body, [el('p', 'empty', ['Name two steps or more to see how many visits did them in this order.'])]);
      return;
    }
    // The page's filters narrow the funnel as they narrow every other figure.
    const query = new URLSearchParams({ site, ...period, ...stats.filters });
    for (const step of steps) query.append('step', step);
    const response = await fetch(`/api/funnel?${query}`, { headers: this.api.headers('application/json') });
    const answer = (await response.json().catch(() => ({}))) as Funnel & { message?: string };
    if (asked !== this.#asked) return;
    if (!response.ok) {
      fill(this.#body, [el('p', 'error', [`The funnel was refused: ${answer.message ?? `${response.status} ${response.statusText}`}`])]);
      return;
    }
    const note = el('p', 'note', [
      'Visits that did these steps in this order in the period; each step counts the visits that reached it, the bar their share of the first step’s.',
    ]);
    fill(this.#body, [note, this.#list(answer, compared, stats.labels)]);
  }

  #list(funnel: Funnel, compared: Compared, labels: Stats['labels']): HTMLElement {
    const first = funnel.steps[0]?.sessions ?? 0;
    const head = el('div', 'list-head', [
      el('span', 'label', ['Step']),
      el('span', 'num', ['Visits']),
      compared && el('span', 'num', [BEFORE[compared]]),
      compared && el('span', 'num change', ['Change']),
    ]);
    const rows = funnel.steps.map((step, index) => {
      const before = funnel.previous.steps[index]?.sessions ?? 0;
      const bar = el('span', 'bar');
      bar.style.width = `${first > 0 ? (step.sessions / first) * 100 : 0}%`;
      const text = `${index + 1}. ${stepText(step.step, labels)}`;
      const share = index > 0 && first > 0 ? ` ${percent(step.sessions / first)}` : '';
      const label = el('span', 'label', [text, el('small', '', [share])]);
      const shown = compared ? changeOf(step.change, step.sessions) : undefined;
      const item = el('li', 'row', [
        bar,
        label,
        el('span', 'num', [count(step.sessions)]),
        compared && el('span', 'num before', [count(before)]),
        shown && el('span', `num change ${shown.direction}`, [shown.text]),
      ]);
      item.dataset.step = step.step;
      item.title = `${step.step}: ${count(step.sessions)} visits${compared ? ` (${compared}: ${count(before)})` : ''}`;
      return item;
    });
    return el('div', '', [head, el('ol', 'ranked funnel-steps', rows)]);
  }

  /** The steps as one line, comma-separated, the API's way of writing each. */
  #formOf(steps: readonly string[]): HTMLFormElement {
    const input = Object.assign(el('input', ''), {
      type: 'text',
      value: steps.join(', '),
      placeholder: 'page_view, room_enter, object_click:guitar',
      required: true,
    });
    input.setAttribute('aria-label', 'Funnel steps');
    const form = el('form', 'funnel-form', [
      el('label', 'funnel-input', ['Steps ', input]),
      Object.assign(el('button', '', ['Show']), { type: 'submit' }),
    ]);
    form.title =
      'TYPE or TYPE:TARGET (the path for page_view, the room for room_*, the object for object_*), or goal:NAME; 2 to 8, in order';
    form.onsubmit = (event) => {
      event.preventDefault();
      const typed = input.value
        .split(',')
        .map((step) => step.trim())
        .filter((step) => step !== '');
      this.choose(typed);
    };
    return form;
  }
}
