// The facts of a site's weekly digest, read from what the overview reads (readStats for the ISO
// week and for the week before, each compared with the week before it), the alerts table and
// the owner's notes. Every figure is one of readStats' own, so the digest says what the page
// says for the same dates. The sentences are digest-text.ts's.
import type { ClickHouseClient } from '@clickhouse/client';
import { AlertStore } from '../alerts/alert-store.js';
import { TRAFFIC_RULES } from '../alerts/traffic-evaluator.js';
import { AnnotationStore } from '../annotations/annotation-store.js';
import type { SiteEntry } from '../catalog/catalog.js';
import { LIST_LENGTH } from '../stats/lists.js';
import type { MetricName } from '../stats/metrics.js';
import { readStats } from '../stats/stats.js';
import { addDays } from '../stats/time-zone.js';
import { weekOf, weekSpan } from './iso-week.js';

/** Rows named in each list of the digest: a minute's reading. */
export const DIGEST_ROWS = 3;

export interface Figure {
  name: MetricName;
  value: number;
  previous: number;
  /** (value - previous) / previous; null when the week before had none. */
  change: number | null;
}

/** A page, source or object whose figure moved between the two weeks. */
export interface Move {
  key: string;
  label: string;
  value: number;
  previous: number;
}

export interface Movers {
  /** What the figure is: `views` of pages, `visitors` of sources, `clicks` of objects. */
  figure: 'views' | 'visitors' | 'clicks';
  grew: Move | null;
  fell: Move | null;
}

export interface DigestFacts {
  site: string;
  week: string;
  /** The week's local dates, Monday and Sunday, and its instants `[from, to)` in epoch seconds. */
  dates: { from: string; to: string };
  period: { from: number; to: number };
  time_zone: string;
  headline: Figure[];
  pages: Movers;
  sources: Movers;
  objects: Movers;
  /** Objects seen and never clicked, most seen first. */
  ignored: Array<{ object: string; label: string; seen_visitors: number }>;
  /** Where visits ended, most first. */
  exits: Array<{ path: string; visits: number }>;
  /** Goals reached in the week. */
  goals: Array<{ goal: string; visitors: number; events: number }>;
  /** Alerts that started firing in the week. */
  alerts: Array<{ rule: string; title: string; started_at: number; resolved_at: number | null }>;
  /** The owner's notes of the week. */
  notes: Array<{ at: number; text: string }>;
}

const HEADLINE: MetricName[] = ['visitors', 'visits', 'page_views', 'room_entries'];

/**
 * The row that grew most and the one that fell most between two weeks' ranked lists (top
 * LIST_LENGTH each). A row of this week's list has last week's figure exactly through its
 * `change` (null: none then). A row only in last week's list had none this week when this week's
 * list is not full (every row with a figure is in it); else its figure is unknown and it is left out.
 */
function movers<Row extends { change: number | null }>(
  figure: Movers['figure'],
  current: readonly Row[],
  before: readonly Row[],
  keyOf: (row: Row) => string,
  figureOf: (row: Row) => number,
): Movers {
  const moves = new Map<string, Move>();
  for (const row of current) {
    const value = figureOf(row);
    const previous = row.change === null ? 0 : Math.round(value / (1 + row.change));
    moves.set(keyOf(row), { key: keyOf(row), label: keyOf(row), value, previous });
  }
  if (current.length < LIST_LENGTH) {
    for (const row of before) {
      if (!moves.has(keyOf(row))) moves.set(keyOf(row), { key: keyOf(row), label: keyOf(row), value: 0, previous: figureOf(row) });
    }
  }
  return extremes(figure, [...moves.values()]);
}

/** The move up and the move down that are largest; ties go to the first key in alphabetical order. */
function extremes(figure: Movers['figure'], moves: readonly Move[]): Movers {
  const growth = (move: Move) => move.value - move.previous;
  const grew = [...moves].filter((move) => growth(move) > 0).sort((a, b) => growth(b) - growth(a) || a.key.localeCompare(b.key))[0];
  const fell = [...moves].filter((move) => growth(move) < 0).sort((a, b) => growth(a) - growth(b) || a.key.localeCompare(b.key))[0];
  return { figure, grew: grew ?? null, fell: fell ?? null };
}

export async function composeDigest(
  client: ClickHouseClient,
  site: SiteEntry,
  week: string,
  now = Math.floor(Date.now() / 1000),
): Promise<DigestFacts> {
  const dates = weekSpan(week);
  if (!dates) throw new Error(`${week} is not an ISO week`);
  const read = (from: string) =>
    readStats(client, site, '24h', [], {}, { now, period: { from, to: addDays(from, 6) }, compare: 'previous' });
  const [stats, before] = await Promise.all([read(dates.from), read(addDays(dates.from, -7))]);
  const period = { from: stats.period.from, to: stats.period.to! };
  const beforeObjects = new Map(before.objects.map((row) => [row.object, row.clicks]));
  const [alerts, notes] = await Promise.all([
    new AlertStore(client).list(period.from * 1000, site.id),
    new AnnotationStore(client).list(site.id, period.from * 1000, period.to * 1000),
  ]);
  return {
    site: site.id,
    week: weekOf(dates.from),
    dates,
    period,
    time_zone: stats.time_zone,
    headline: HEADLINE.map((name) => ({ name, value: stats[name], previous: stats.previous[name], change: stats.changes[name] })),
    pages: movers(
      'views',
      stats.top_pages,
      before.top_pages,
      (row) => row.path,
      (row) => row.views,
    ),
    sources: movers(
      'visitors',
      stats.sources,
      before.sources,
      (row) => row.source,
      (row) => row.visitors,
    ),
    objects: extremes(
      'clicks',
      stats.objects.map((row) => ({ key: row.object, label: row.label, value: row.clicks, previous: beforeObjects.get(row.object) ?? 0 })),
    ),
    ignored: stats.engagement
      .filter((row) => row.clicks === 0 && row.seen_visitors > 0)
      .sort((a, b) => b.seen_visitors - a.seen_visitors || a.object.localeCompare(b.object))
      .map((row) => ({ object: row.object, label: row.label, seen_visitors: row.seen_visitors })),
    exits: stats.exit_pages.map((row) => ({ path: row.path, visits: row.visits })),
    goals: stats.goals
      .filter((goal) => goal.visitors > 0 || goal.events > 0)
      .map(({ goal, visitors, events }) => ({ goal, visitors, events })),
    alerts: alerts
      .filter((alert) => alert.startedAt < period.to * 1000)
      .filter((alert) => alert.startedAt >= period.from * 1000)
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((alert) => ({
        rule: alert.rule,
        title: TRAFFIC_RULES.find((rule) => rule.id === alert.rule)?.title ?? alert.rule,
        started_at: alert.startedAt / 1000,
        resolved_at: alert.resolvedAt === undefined ? null : alert.resolvedAt / 1000,
      })),
    notes: notes.map((note) => ({ at: note.at / 1000, text: note.text })),
  };
}
