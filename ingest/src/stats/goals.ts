/**
 * Goals and conversions: for each of the site's goals (the catalog's `goals`), the visitors who
 * reached it in the period, the conversion rate (those visitors over all the period's visitors)
 * and the events that reached it. A goal is a condition on raw event rows (goal-condition.ts's
 * goalCondition), so the planner sends goals to raw events, never to the rollups: one scan of the
 * events of the goals' types in both periods, each goal a `-If` aggregate of it per period: the
 * compared period's visitors give each goal's change.
 */
import type { Sql } from './build-sql.js';
import { goalCondition, goalType } from './goal-condition.js';
import type { Query } from './parse-query.js';
import { rawPeriods } from './raw-period.js';
import { count } from './run-query.js';

export interface GoalFigures {
  goal: string;
  /** What the goal matches, as the catalog says it: `page /thanks*`, `object contact-form`... */
  target: string;
  visitors: number;
  /** visitors / the period's visitors; 0 when the period had none. */
  conversion_rate: number;
  /** Events that reached the goal. */
  events: number;
  /** The change of `visitors` against the compared period, as a fraction; null when none reached it then. */
  change: number | null;
}

export type GoalRow = Record<string, string>;

/**
 * One row: `visitors_<i>` and `events_<i>` for the i-th goal over the current period, and
 * `previous_<i>`, its visitors over the compared period; none when the site has no goal.
 */
export function goalsSql(query: Query): Sql | undefined {
  const { goals } = query.site;
  if (goals.length === 0) return undefined;
  const { where, current, previous, params } = rawPeriods(query);
  const figures = goals.map((goal, index) => {
    const condition = goalCondition(goal, `goal${index}`, params);
    return `uniqIf(visitor_key, visitor_key != 0 AND ${condition} AND ${current}) AS visitors_${index},
            countIf(${condition} AND ${current}) AS events_${index},
            uniqIf(visitor_key, visitor_key != 0 AND ${condition} AND ${previous}) AS previous_${index}`;
  });
  params.goal_types = [...new Set(goals.map(goalType))];
  return { sql: `SELECT ${figures.join(', ')} FROM events WHERE ${where} AND type IN {goal_types:Array(String)}`, params };
}

/** The goals in catalog order, each with its figures (goalsSql's row); `visitors` is the period's headline figure. */
export function shapeGoals(query: Query, found: readonly GoalRow[], visitors: number): GoalFigures[] {
  const row = found[0];
  return query.site.goals.map((goal, index) => {
    const converted = count(row?.[`visitors_${index}`]);
    const before = count(row?.[`previous_${index}`]);
    const target = (['page', 'object', 'outbound', 'download', 'event'] as const).find((field) => goal[field] !== undefined)!;
    const props = Object.entries(goal.props ?? {}).map(([key, value]) => ` ${key}=${value}`);
    return {
      goal: goal.name,
      target: `${target} ${goal[target]}${props.join('')}`,
      visitors: converted,
      conversion_rate: visitors === 0 ? 0 : converted / visitors,
      events: count(row?.[`events_${index}`]),
      change: before === 0 ? null : (converted - before) / before,
    };
  });
}
