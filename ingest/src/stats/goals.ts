/**
 * Goals and conversions: for each of the site's goals (the catalog's `goals`), the visitors who
 * reached it in the period, the conversion rate (those visitors over all the period's visitors)
 * and the events that reached it. A goal is a condition on raw event rows, or on the rollups'
 * rows where they answer every goal of the site (goal-condition.ts): over a long period, whole
 * days from the daily rollup and the rest from raw events, as the planner says (plan-query.ts); each goal a `-If`
 * aggregate per period: the compared period's visitors give each goal's change.
 */
import { periodParts, type Sql, TimeParams, timeCondition } from './build-sql.js';
import { goalCondition, goalRollupCondition, goalType } from './goal-condition.js';
import type { Query } from './parse-query.js';
import { type Plan, readsRollups } from './plan-query.js';
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
export function goalsSql(plan: Plan): Sql | undefined {
  const { query } = plan;
  if (query.site.goals.length === 0) return undefined;
  return readsRollups(plan.goals, plan.previousGoals) ? goalsOverSources(plan) : rawGoalsSql(query);
}

/** The event types the site's goals are reached by: the raw rows a goals read scans. */
const goalTypes = (query: Query) => [...new Set(query.site.goals.map(goalType))];

/** Each goal's figures over raw rows: `uniq` either final (one read) or as states to merge with other sources'. */
function rawFigures(
  query: Query,
  params: Record<string, unknown>,
  current: string,
  previous: string,
  uniq: 'uniqIf' | 'uniqStateIf',
): string {
  return query.site.goals
    .map((goal, index) => {
      const condition = goalCondition(goal, `goal${index}`, params);
      return `${uniq}(visitor_key, visitor_key != 0 AND ${condition} AND ${current}) AS visitors_${index},
              countIf(${condition} AND ${current}) AS events_${index},
              ${uniq}(visitor_key, visitor_key != 0 AND ${condition} AND ${previous}) AS previous_${index}`;
    })
    .join(', ');
}

/**
 * Both periods from raw events in one scan of the goals' types. Merging states, as
 * goalsOverSources does, cost 4 to 8 ms more of CPU at 30d on the read benchmark's store.
 */
function rawGoalsSql(query: Query): Sql {
  const { where, current, previous, params } = rawPeriods(query);
  params.goal_types = goalTypes(query);
  return {
    sql: `SELECT ${rawFigures(query, params, current, previous, 'uniqIf')} FROM events WHERE ${where} AND type IN {goal_types:Array(String)}`,
    params,
  };
}

/** Each source of the plan's stretches yields the goals' visitors as states and their events, merged over the sources. */
function goalsOverSources(plan: Plan): Sql {
  const { query } = plan;
  const { goals } = query.site;
  const times = new TimeParams();
  const params: Record<string, unknown> = { site: query.site.id, goal_types: goalTypes(query) };
  const parts = periodParts(query, plan.goals, plan.previousGoals, times, params).map(
    ({ source, table, time, stretches, current, matching }) => {
      if (source === 'raw') {
        const period = current('ts');
        return `SELECT ${rawFigures(query, params, period, `NOT (${period})`, 'uniqStateIf')} FROM events
         WHERE site = {site:String} AND (${timeCondition('ts', stretches, times)}) AND type IN {goal_types:Array(String)}${matching}`;
      }
      const period = current(time);
      const figures = goals.map((goal, index) => {
        const condition = goalRollupCondition(goal, `goal${index}`, params);
        return `uniqMergeStateIf(visitors, ${condition} AND ${period}) AS visitors_${index},
                sumIf(events, ${condition} AND ${period}) AS events_${index},
                uniqMergeStateIf(visitors, ${condition} AND NOT (${period})) AS previous_${index}`;
      });
      return `SELECT ${figures.join(', ')} FROM ${table}
         WHERE site = {site:String} AND dimension IN ('page', 'action', 'prop') AND (${timeCondition(time, stretches, times)})`;
    },
  );
  const merged = goals.map(
    (_, index) =>
      `uniqMerge(visitors_${index}) AS visitors_${index}, sum(events_${index}) AS events_${index}, uniqMerge(previous_${index}) AS previous_${index}`,
  );
  return { sql: `SELECT ${merged.join(', ')} FROM (${parts.join('\n UNION ALL \n')})`, params: { ...params, ...times.values } };
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
