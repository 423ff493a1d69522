// The overview page: pickers, headline figures, the chart, the room, the funnel and the ranked
// lists, kept live by /api/stream. Site, period, comparison, filters and the funnel's steps live
// in the address (?site=&range=|from=&to=&compare=&page=...&step=...) so a reload or a shared link
// shows the same view. A click on a row filters the whole page by it.

import { showAlerts } from './alerts-section.js';
import { showHotspots } from './hotspots-section.js';
import { showOtel } from './otel-section.js';
import { Api, Unauthorized } from './api.js';
import { Chart } from './chart.js';
import { byId, el, fill } from './dom.js';
import { count } from './format.js';
import { type Compared, METRICS, renderFigures } from './figures.js';
import { renderConversionSections } from './conversion-sections.js';
import { DigestSection } from './digest-section.js';
import { defaultSteps, FunnelSection } from './funnel-section.js';
import { renderEngagementLists } from './engagement-lists.js';
import { renderLists } from './lists.js';
import { NotesSection } from './notes-section.js';
import { renderRoom } from './room.js';
import { FILTER_LABELS, type Filters, type Metric, type Sites, type Stats } from './types.js';
import type { GoalFigures } from '../../stats/goals.js';

const RECONNECT_MS = 5000;
/** The funnel is read again at most this often while the summary streams: a windowFunnel over the whole period costs more than a summary's 5 s. */
const FUNNEL_EVERY_MS = 60_000;
/** Every period the page can show, in the picker's order: each has its button and its option, so the period shown is always named. */
const PRESETS: Array<[string, string]> = [
  ['today', 'Today'],
  ['yesterday', 'Yesterday'],
  ['5m', '5 minutes'],
  ['1h', '1 hour'],
  ['24h', '24 hours'],
  ['7d', '7 days'],
  ['30d', '30 days'],
  ['this_month', 'This month'],
  ['last_month', 'Last month'],
  ['12mo', '12 months'],
  ['all', 'All time'],
];
const RANGE_NAMES = PRESETS.map(([range]) => range);
const RANGE_TITLES: Record<string, string> = {
  '5m': 'the last 5 minutes',
  '1h': 'the last hour',
  '24h': 'the last 24 hours',
  '7d': 'the last 7 days',
  '30d': 'the last 30 days',
  today: 'today',
  yesterday: 'yesterday',
  this_month: 'this month',
  last_month: 'last month',
  '12mo': 'the last 12 months',
  all: 'all time',
};
const COMPARE_LABELS: Record<string, Compared> = { previous: 'the previous period', year: 'a year before', none: null };
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const api = new Api();
const address = new URLSearchParams(location.search);
const state = {
  site: address.get('site') ?? '',
  /** A preset, or `custom` for `from` to `to` (inclusive dates of the site's zone). */
  range: address.get('range') ?? '24h',
  from: address.get('from') ?? '',
  to: address.get('to') ?? '',
  /** `previous`, `year` or `none` (the API still compares; the page shows no change). */
  compare: address.get('compare') ?? 'previous',
  metric: 'visitors' as Metric,
  /** The funnel's steps as the API takes them; none: the site's own question (funnel-section.ts). */
  steps: address.getAll('step'),
  filters: Object.fromEntries(
    Object.keys(FILTER_LABELS).flatMap((name) => (address.get(name) ? [[name, address.get(name)!]] : [])),
  ) as Filters,
};
/** Counts the views asked for: an answer for an earlier one (a slow request, a closing stream) is dropped. */
let view = 0;
let chart: Chart | undefined;
let latest: Stats | undefined;
let streaming: AbortController | undefined;
let reconnect: ReturnType<typeof setTimeout> | undefined;
/** The sites that list objects (the room's funnel suits them), from /api/sites. */
let withObjects = new Set<string>();
/** When the funnel was last asked for (epoch ms); 0: ask with the next summary. */
let funnelAskedAt = 0;
const theChart = (): Chart => (chart ??= new Chart(byId('chart')));
const notes = new NotesSection(byId('notes'), api, (markers) => theChart().mark(markers));
const digest = new DigestSection(byId('digest'), api);
const funnel = new FunnelSection(byId('funnel'), api, (steps) => choose({ steps }));

async function start(): Promise<void> {
  let sites: Sites;
  try {
    if (api.token === null && (await api.tokenRequired())) return askForToken(false);
    sites = await api.sites();
  } catch (error) {
    if (error instanceof Unauthorized) return askForToken(true);
    return notice(`The read API did not answer: ${(error as Error).message}`);
  }
  byId('token-form').hidden = true;
  const ids = sites.sites.map((site) => site.id);
  withObjects = new Set(sites.sites.filter((site) => site.objects.length > 0).map((site) => site.id));
  if (!ids.includes(state.site)) state.site = ids[0] ?? '';
  if (state.range === 'custom' ? !DATE.test(state.from) || !DATE.test(state.to) : !RANGE_NAMES.includes(state.range)) state.range = '24h';
  if (!(state.compare in COMPARE_LABELS)) state.compare = 'previous';

  const picker = byId<HTMLSelectElement>('site');
  fill(
    picker,
    ids.map((id) => Object.assign(el('option', '', [id]), { value: id, selected: id === state.site })),
  );
  picker.onchange = () => choose({ site: picker.value });
  const presets: Array<[string, string]> = [...PRESETS, ['custom', 'Custom']];
  fill(
    byId('ranges'),
    presets.map(([range, label]) => {
      const button = el('button', 'range', [label]);
      button.type = 'button';
      button.dataset.range = range;
      button.onclick = () => (range === 'custom' ? showCustom(true) : choose({ range }));
      return button;
    }),
  );
  // Narrow screens get the same presets as a select (overview.css shows one or the other).
  const select = byId<HTMLSelectElement>('range-select');
  fill(
    select,
    presets.map(([range, label]) => Object.assign(el('option', '', [label]), { value: range })),
  );
  select.onchange = () => (select.value === 'custom' ? showCustom(true) : choose({ range: select.value }));
  const form = byId<HTMLFormElement>('custom-range');
  form.onsubmit = (event) => {
    event.preventDefault();
    const from = byId<HTMLInputElement>('from').value;
    const to = byId<HTMLInputElement>('to').value;
    if (!DATE.test(from) || !DATE.test(to)) return;
    // Dates typed the wrong way round are read the right way round.
    choose({ range: 'custom', from: from <= to ? from : to, to: from <= to ? to : from });
  };
  const compare = byId<HTMLSelectElement>('compare');
  compare.value = state.compare;
  compare.onchange = () => choose({ compare: compare.value });
  await load();
}

/** Shows or hides the two dates of a custom period, filled with the current one. */
function showCustom(show: boolean): void {
  byId('custom-range').hidden = !show;
  if (!show) return;
  byId<HTMLInputElement>('from').value = state.from || (latest ? dateIn(latest.period.from, latest.time_zone) : '');
  byId<HTMLInputElement>('to').value =
    state.to || (latest ? dateIn(Math.max(latest.period.from, (latest.period.to ?? Date.now() / 1000) - 1), latest.time_zone) : '');
  byId<HTMLSelectElement>('range-select').value = 'custom';
  for (const button of document.querySelectorAll<HTMLButtonElement>('#ranges button'))
    button.setAttribute('aria-pressed', String(button.dataset.range === 'custom'));
}

/** The local date of an instant in a zone, `YYYY-MM-DD`. */
function dateIn(seconds: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(seconds * 1000));
}

/** The period and comparison as the API's query string takes them. */
function periodParams(): Record<string, string> {
  const period: Record<string, string> = state.range === 'custom' ? { from: state.from, to: state.to } : { range: state.range };
  return { ...period, compare: state.compare === 'year' ? 'year' : 'previous' };
}

function choose(change: Partial<typeof state>): void {
  Object.assign(state, change);
  const period: Record<string, string> =
    state.range === 'custom' ? { range: 'custom', from: state.from, to: state.to } : { range: state.range };
  const query = new URLSearchParams({ site: state.site, ...period, compare: state.compare, ...state.filters });
  for (const step of state.steps) query.append('step', step);
  history.replaceState(null, '', `?${query}`);
  void load();
}

/** Shows the range at once from /api/stats, then follows it on the stream. */
async function load(): Promise<void> {
  for (const button of document.querySelectorAll<HTMLButtonElement>('#ranges button')) {
    button.setAttribute('aria-pressed', String(button.dataset.range === state.range));
  }
  byId<HTMLSelectElement>('range-select').value = state.range;
  byId('custom-range').hidden = state.range !== 'custom';
  if (state.range === 'custom') {
    byId<HTMLInputElement>('from').value = state.from;
    byId<HTMLInputElement>('to').value = state.to;
  }
  stopStream();
  renderFilters();
  view += 1;
  const shown = view;
  funnelAskedAt = 0;
  let first: Stats;
  try {
    first = await api.stats(state.site, periodParams(), state.filters);
    render(first, shown);
  } catch (error) {
    if (error instanceof Unauthorized) return askForToken(true);
    return notice(`Could not read the figures: ${(error as Error).message}`);
  }
  // The alerts are an extra: when they cannot be read the section stays hidden, the figures stay.
  showAlerts(byId('alerts'), api.token, state.site).catch(() => undefined);
  // Hotspots too: a service without them, or a refusal, hides the section.
  showHotspots(byId('hotspots'), api.token, state.site, periodParams()).catch(() => undefined);
  // Web vitals, and a line when the site's spans arrive and none counts: hidden when there is neither.
  showOtel(byId('otel'), api.token, state.site, periodParams()).catch(() => undefined);
  // So are the notes (markers on the chart, the add form where this page may add) and last week's digest.
  notes.show(state.site, periodParams(), first.time_zone).catch(() => undefined);
  digest.show(state.site).catch(() => undefined);
  // A period that has ended no longer changes: no stream to follow.
  if (first.period.to !== null && first.period.to <= Date.now() / 1000) return live(false);
  follow();
}

function follow(): void {
  const controller = new AbortController();
  streaming = controller;
  const { site, filters } = state;
  const shown = view;
  live(true);
  api
    .stream(site, periodParams(), filters, (stats) => render(stats, shown), controller.signal)
    .catch((error: unknown) => {
      if (controller.signal.aborted) return;
      if (error instanceof Unauthorized) return askForToken(true);
      console.warn('live stream ended', error);
    })
    .finally(() => {
      if (controller.signal.aborted || streaming !== controller) return;
      // The service restarted or a proxy cut the stream: the figures stay, the stream comes back.
      live(false);
      reconnect = setTimeout(follow, RECONNECT_MS);
    });
}

function stopStream(): void {
  clearTimeout(reconnect);
  streaming?.abort();
  streaming = undefined;
}

function render(stats: Stats, shown: number): void {
  // An answer for a view the owner has left (a slow request, a stream closing) is dropped.
  if (
    shown !== view ||
    stats.site !== state.site ||
    stats.range !== state.range ||
    JSON.stringify(stats.filters) !== JSON.stringify(sorted(state.filters))
  )
    return;
  latest = stats;
  byId('notice').hidden = true;
  byId('overview').hidden = false;
  byId('live-count').textContent = count(stats.active_visitors);
  byId('live-label').textContent = stats.active_visitors === 1 ? 'visitor now' : 'visitors now';
  byId('live').title = 'Visitors seen in the last 5 minutes, updated live';
  const compared = COMPARE_LABELS[state.compare] ?? null;
  renderFigures(byId('figures'), stats, state.metric, compared, (metric) => {
    state.metric = metric;
    if (latest) render(latest, view);
  });
  const label = METRICS.find((entry) => entry.metric === state.metric)?.label ?? state.metric;
  const period = state.range === 'custom' ? `${state.from} to ${state.to}` : (RANGE_TITLES[state.range] ?? state.range);
  byId('chart-title').textContent = `${label}, ${period}`;
  byId('chart-legend').hidden = compared === null;
  byId('chart-legend-compared').textContent = compared ?? '';
  const partial = byId('partial');
  partial.hidden = stats.partial === undefined;
  partial.textContent = stats.partial === undefined ? '' : `Partial: ${stats.partial}.`;
  theChart().draw(
    stats.timeseries,
    state.metric,
    label,
    stats.timeseries_step_s,
    compared === null ? null : { points: stats.previous_timeseries, label: compared },
    stats.time_zone,
  );
  renderRoom(stats);
  renderLists(stats, compared !== null, (name, value) => choose({ filters: { ...state.filters, [name]: value } }));
  renderEngagementLists(stats, compared !== null, (name, value) => choose({ filters: { ...state.filters, [name]: value } }));
  renderConversionSections(stats, compared !== null, (name, value) => choose({ filters: { ...state.filters, [name]: value } }));
  if (Date.now() - funnelAskedAt >= FUNNEL_EVERY_MS) showFunnel(stats, compared);
}

/** The funnel of the address's steps, or of the site's own question, over the period shown. */
function showFunnel(stats: Stats & { goals?: GoalFigures[] }, compared: Compared): void {
  funnelAskedAt = Date.now();
  const steps =
    state.steps.length > 0
      ? state.steps
      : defaultSteps(
          withObjects.has(state.site),
          (stats.goals ?? []).map((goal) => goal.goal),
        );
  // An extra, as the notes are: a failure to reach it leaves the other figures standing. The summary's filters are the page's.
  funnel.show(state.site, periodParams(), steps, compared, stats).catch(() => undefined);
}

/** The filters in the order the API echoes them. */
function sorted(filters: Filters): Filters {
  return Object.fromEntries(Object.keys(FILTER_LABELS).flatMap((name) => (filters[name] === undefined ? [] : [[name, filters[name]!]])));
}

function renderFilters(): void {
  const bar = byId('filters');
  const entries = Object.entries(sorted(state.filters));
  bar.hidden = entries.length === 0;
  fill(
    bar,
    entries.map(([name, value]) => {
      const remove = el('button', 'remove', ['×']);
      remove.type = 'button';
      remove.setAttribute('aria-label', `Remove the filter ${FILTER_LABELS[name]} is ${value}`);
      remove.onclick = () => {
        const { [name]: _removed, ...rest } = state.filters;
        choose({ filters: rest });
      };
      const chip = el('span', 'filter', [`${FILTER_LABELS[name] ?? name} is `, el('strong', '', [value]), remove]);
      chip.dataset.filter = name;
      return chip;
    }),
  );
}

function live(on: boolean): void {
  byId('live').classList.toggle('off', !on);
}

function notice(text: string): void {
  const element = byId('notice');
  element.textContent = text;
  element.hidden = false;
}

function askForToken(refused: boolean): void {
  stopStream();
  byId('overview').hidden = true;
  if (refused && api.shared) {
    // A visitor of a shared link has no token to type: say what happened instead.
    api.forget();
    notice('This shared link no longer opens these figures: it was revoked, or is incomplete. Ask whoever sent it for a new one.');
    return;
  }
  if (refused) api.forget();
  const form = byId<HTMLFormElement>('token-form');
  form.hidden = false;
  byId('token-error').hidden = !refused;
  const input = byId<HTMLInputElement>('token');
  input.focus();
  form.onsubmit = (event) => {
    event.preventDefault();
    api.remember(input.value);
    input.value = '';
    void start();
  };
}

void start();
