// The overview page: pickers, headline figures, the chart, the room and the ranked lists, kept
// live by /api/stream. Site, range and filters live in the address (?site=&range=&page=...) so a
// reload or a shared link shows the same view. A click on a row filters the whole page by it.

import { showAlerts } from './alerts-section.js';
import { Api, Unauthorized } from './api.js';
import { Chart } from './chart.js';
import { byId, el, fill } from './dom.js';
import { count } from './format.js';
import { METRICS, renderFigures } from './figures.js';
import { renderLists } from './lists.js';
import { renderRoom } from './room.js';
import { FILTER_LABELS, type Filters, type Metric, type Sites, type Stats } from './types.js';

const RECONNECT_MS = 5000;
const RANGE_LABELS: Record<string, string> = { '5m': '5 min', '1h': '1 hour', '24h': '24 hours', '7d': '7 days', '30d': '30 days' };
const RANGE_TITLES: Record<string, string> = {
  '5m': 'the last 5 minutes',
  '1h': 'the last hour',
  '24h': 'the last 24 hours',
  '7d': 'the last 7 days',
  '30d': 'the last 30 days',
};

const api = new Api();
const address = new URLSearchParams(location.search);
const state = {
  site: address.get('site') ?? '',
  range: address.get('range') ?? '24h',
  metric: 'visitors' as Metric,
  filters: Object.fromEntries(
    Object.keys(FILTER_LABELS).flatMap((name) => (address.get(name) ? [[name, address.get(name)!]] : [])),
  ) as Filters,
};
let chart: Chart | undefined;
let latest: Stats | undefined;
let streaming: AbortController | undefined;
let reconnect: ReturnType<typeof setTimeout> | undefined;

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
  if (!ids.includes(state.site)) state.site = ids[0] ?? '';
  if (!sites.ranges.includes(state.range)) state.range = '24h';

  const picker = byId<HTMLSelectElement>('site');
  fill(
    picker,
    ids.map((id) => Object.assign(el('option', '', [id]), { value: id, selected: id === state.site })),
  );
  picker.onchange = () => choose({ site: picker.value });
  fill(
    byId('ranges'),
    sites.ranges.map((range) => {
      const button = el('button', 'range', [RANGE_LABELS[range] ?? range]);
      button.type = 'button';
      button.dataset.range = range;
      button.onclick = () => choose({ range });
      return button;
    }),
  );
  await load();
}

function choose(change: Partial<typeof state>): void {
  Object.assign(state, change);
  const query = new URLSearchParams({ site: state.site, range: state.range, ...state.filters });
  history.replaceState(null, '', `?${query}`);
  void load();
}

/** Shows the range at once from /api/stats, then follows it on the stream. */
async function load(): Promise<void> {
  for (const button of document.querySelectorAll<HTMLButtonElement>('#ranges button')) {
    button.setAttribute('aria-pressed', String(button.dataset.range === state.range));
  }
  stopStream();
  renderFilters();
  try {
    render(await api.stats(state.site, state.range, state.filters));
  } catch (error) {
    if (error instanceof Unauthorized) return askForToken(true);
    return notice(`Could not read the figures: ${(error as Error).message}`);
  }
  // The alerts are an extra: when they cannot be read the section stays hidden, the figures stay.
  showAlerts(byId('alerts'), api.token, state.site).catch(() => undefined);
  follow();
}

function follow(): void {
  const controller = new AbortController();
  streaming = controller;
  const { site, range, filters } = state;
  live(true);
  api
    .stream(site, range, filters, render, controller.signal)
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

function render(stats: Stats): void {
  // An answer for a view the owner has left (a slow request, a stream closing) is dropped.
  if (stats.site !== state.site || stats.range !== state.range || JSON.stringify(stats.filters) !== JSON.stringify(sorted(state.filters)))
    return;
  latest = stats;
  byId('notice').hidden = true;
  byId('overview').hidden = false;
  byId('live-count').textContent = count(stats.active_visitors);
  byId('live-label').textContent = stats.active_visitors === 1 ? 'visitor now' : 'visitors now';
  byId('live').title = 'Visitors seen in the last 5 minutes, updated live';
  renderFigures(byId('figures'), stats, state.metric, (metric) => {
    state.metric = metric;
    if (latest) render(latest);
  });
  const label = METRICS.find((entry) => entry.metric === state.metric)?.label ?? state.metric;
  byId('chart-title').textContent = `${label}, ${RANGE_TITLES[state.range] ?? state.range}`;
  chart ??= new Chart(byId('chart'));
  chart.draw(stats.timeseries, state.metric, label, stats.timeseries_step_s);
  renderRoom(stats);
  renderLists(stats, (name, value) => choose({ filters: { ...state.filters, [name]: value } }));
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
