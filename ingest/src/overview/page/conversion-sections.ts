// What visitors did that the site exists for: the catalog's goals (converted visitors, conversion
// rate, events; a click narrows the page to the visits that converted), every event type broken
// down by its property keys (a click filters by the value), and the room's engagement path (for
// each object: seen, clicked, and what each click led to; objects seen and never clicked first).
// When a comparison is shown, each goal's and property value's change of visitors, as the other
// ranked lists show theirs.

import type { ObjectEngagement } from '../../stats/engagement.js';
import type { GoalFigures } from '../../stats/goals.js';
import type { PropertyBreakdown } from '../../stats/props.js';
import { el, fill } from './dom.js';
import { count } from './format.js';
import { renderRankedList, shareOf } from './ranked-list.js';

/** The summary's fields these sections read. */
export interface ConversionStats {
  visitors: number;
  goals: GoalFigures[];
  properties: PropertyBreakdown[];
  engagement: ObjectEngagement[];
}

type OnFilter = (name: string, value: string) => void;

function renderGoals(section: Element, stats: ConversionStats, compared: boolean, onFilter: OnFilter): void {
  renderRankedList(
    section,
    {
      title: 'Goals',
      columns: ['Goal', 'Visitors', 'Rate %', 'Events'],
      rows: stats.goals.map((goal) => ({
        label: goal.goal,
        detail: goal.target,
        values: [goal.visitors, Math.round(goal.conversion_rate * 100), goal.events],
        change: compared ? goal.change : undefined,
        rankedBy: 0,
        share: goal.conversion_rate,
        filter: { name: 'goal', value: goal.goal },
      })),
      empty: 'The catalog declares no goal for this site (docs/catalog.md, "Goals").',
      note: 'Converted visitors, and their share of all visitors of the period (the bar).',
    },
    onFilter,
  );
}

function renderProperties(section: Element, stats: ConversionStats, compared: boolean, onFilter: OnFilter): void {
  const rows = stats.properties.flatMap((pair) =>
    pair.values.map((row) => ({
      label: `${pair.key} = ${row.value}`,
      detail: pair.type,
      values: [row.visitors, row.events],
      change: compared ? row.change : undefined,
      rankedBy: 0,
      share: shareOf(row.visitors, stats.visitors, []),
      filter: { name: 'prop', value: `${pair.key}=${row.value}` },
    })),
  );
  renderRankedList(
    section,
    { title: 'Properties', columns: ['Property', 'Visitors', 'Events'], rows, empty: 'No event carried a property in this range.' },
    onFilter,
  );
}

/** A next step as the owner reads it: a goal, a page, an object, leaving. */
function stepText(step: ObjectEngagement['next'][number]): string {
  switch (step.kind) {
    case 'left':
      return 'left';
    case 'goal':
      return `goal: ${step.label}`;
    case 'page':
      return `page ${step.label}`;
    case 'object':
      return step.label;
    default:
      return `${step.kind} ${step.label}`;
  }
}

function renderPath(section: Element, stats: ConversionStats): void {
  const heading = el('h2', '', ['Engagement path']);
  const note = el('p', 'note', ['For each object: visitors who saw it, who clicked it, and what each click led to.']);
  if (stats.engagement.length === 0) {
    fill(section, [heading, el('p', 'empty', ['The catalog lists no object for this site.'])]);
    return;
  }
  const items = stats.engagement.map((object) => {
    const seenOnly = object.clicks === 0 && object.seen_visitors > 0;
    const figures = el('p', 'path-figures', [
      `seen by ${count(object.seen_visitors)} · clicked by ${count(object.clicked_visitors)} · ${count(object.clicks)} clicks`,
    ]);
    const next =
      object.next.length === 0
        ? el('p', 'path-next empty', [seenOnly ? 'Seen, never clicked.' : 'No click in this range.'])
        : el(
            'ul',
            'chips path-next',
            object.next.map((step) => el('li', `chip ${step.kind}`, [`→ ${stepText(step)} `, el('strong', '', [count(step.clicks)])])),
          );
    const title = el('h3', '', [object.label, el('small', '', [` ${object.room_label}`])]);
    return el('li', seenOnly ? 'path-object seen-only' : 'path-object', [title, figures, next]);
  });
  fill(section, [heading, note, el('ol', 'path', items)]);
}

/**
 * Fills the goals, properties and engagement path sections the page has; `stats` is the summary as
 * the page has it, `compared` whether a comparison is shown (each goal's and value's change).
 */
export function renderConversionSections(stats: object, compared: boolean, onFilter: OnFilter): void {
  const summary = stats as ConversionStats;
  if (!Array.isArray(summary.goals)) return;
  for (const section of document.querySelectorAll<HTMLElement>('[data-conversion]')) {
    if (section.dataset.conversion === 'goals') renderGoals(section, summary, compared, onFilter);
    else if (section.dataset.conversion === 'properties') renderProperties(section, summary, compared, onFilter);
    else if (section.dataset.conversion === 'engagement') renderPath(section, summary);
  }
}
