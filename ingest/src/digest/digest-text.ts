// The weekly digest in plain words: short sentences with the numbers, read in a minute. Only the
// facts compose-digest.ts gathered; nothing here reads data. Numbers are written as en-US
// (1,204), changes as whole percents against the week before ("+18 %"), times in the site's zone.
import type { DigestFacts, Figure, Move, Movers } from './compose-digest.js';
import { DIGEST_ROWS } from './compose-digest.js';

export interface DigestText {
  /** The subject line of the mail and the title of the webhook message. */
  title: string;
  sentences: string[];
}

const NAMES: Record<Figure['name'], [string, string]> = {
  visitors: ['visitor', 'visitors'],
  visits: ['visit', 'visits'],
  page_views: ['page view', 'page views'],
  room_entries: ['room entry', 'room entries'],
};

export const number = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** `+18 %`, `-3 %`, `±0 %`: the change as a whole percent, rounded half away from zero. */
export function percent(change: number): string {
  const whole = Math.sign(change) * Math.round(Math.abs(change) * 100);
  return whole === 0 ? '±0 %' : `${whole > 0 ? '+' : '-'}${Math.abs(whole)} %`;
}

const plural = (value: number, [one, many]: [string, string]): string => `${number(value)} ${value === 1 ? one : many}`;

function headline(figure: Figure): string {
  const against =
    figure.change === null ? `none the week before` : `${percent(figure.change)} on the week before, ${number(figure.previous)}`;
  return `${plural(figure.value, NAMES[figure.name])} (${against}).`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function when(seconds: number, timeZone: string, withTime: boolean): string {
  const key = `${timeZone}/${withTime}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
    });
    dateFormats.set(key, format);
  }
  return format.format(new Date(seconds * 1000)).replace(',', '');
}

const SINGULAR: Record<Movers['figure'], string> = { views: 'view', visitors: 'visitor', clicks: 'click' };

function move(movers: Movers, item: Move, how: string): string {
  const figure = plural(item.value, [SINGULAR[movers.figure], movers.figure]);
  return `${item.label} ${how} most (${figure}, ${item.value > item.previous ? 'up' : 'down'} from ${number(item.previous)})`;
}

/** `Pages: /pricing grew most (40 views, up from 12); /blog fell most (8 views, down from 30).` */
function moversSentence(kind: string, movers: Movers): string | undefined {
  const said = [movers.grew && move(movers, movers.grew, 'grew'), movers.fell && move(movers, movers.fell, 'fell')].filter(
    (part): part is string => typeof part === 'string',
  );
  return said.length === 0 ? undefined : `${kind}: ${said.join('; ')}.`;
}

export function digestText(facts: DigestFacts): DigestText {
  const zone = facts.time_zone;
  const first = `${when(facts.period.from, zone, false)} to ${when(facts.period.to - 1, zone, false)}`;
  const sentences = [
    `The week ${facts.week} (${first}) on ${facts.site}:`,
    ...facts.headline.filter((figure) => figure.name !== 'room_entries' || figure.value + figure.previous > 0).map(headline),
  ];
  for (const [kind, movers] of [
    ['Pages', facts.pages],
    ['Sources', facts.sources],
    ['Objects', facts.objects],
  ] as const) {
    const sentence = moversSentence(kind, movers);
    if (sentence) sentences.push(sentence);
  }
  const ignored = facts.ignored.slice(0, DIGEST_ROWS);
  if (ignored.length > 0) {
    sentences.push(
      `Seen but never clicked: ${ignored.map((row) => `${row.label} (seen by ${plural(row.seen_visitors, ['visitor', 'visitors'])})`).join(', ')}.`,
    );
  }
  const exits = facts.exits.slice(0, DIGEST_ROWS);
  if (exits.length > 0)
    sentences.push(`Visits ended most on ${exits.map((row) => `${row.path} (${plural(row.visits, ['visit', 'visits'])})`).join(', ')}.`);
  sentences.push(
    facts.goals.length === 0
      ? 'No goal was reached.'
      : `Goals reached: ${facts.goals.map((goal) => `${goal.goal} by ${plural(goal.visitors, ['visitor', 'visitors'])} (${plural(goal.events, ['time', 'times'])})`).join(', ')}.`,
  );
  sentences.push(
    facts.alerts.length === 0
      ? 'No alert fired.'
      : `${plural(facts.alerts.length, ['alert', 'alerts'])} fired: ${facts.alerts
          .map((alert) => `${alert.title} on ${when(alert.started_at, zone, true)}${alert.resolved_at === null ? ', still firing' : ''}`)
          .join('; ')}.`,
  );
  if (facts.notes.length > 0)
    sentences.push(`Your notes: ${facts.notes.map((note) => `${when(note.at, zone, false)}, ${note.text}`).join('; ')}.`);
  const visitors = facts.headline.find((figure) => figure.name === 'visitors');
  return { title: `Footfall, ${facts.site}, week ${facts.week}: ${plural(visitors?.value ?? 0, ['visitor', 'visitors'])}`, sentences };
}
