/**
 * A catalog goal as SQL: the condition on one raw `events` row that reaches it, and the event type
 * its events have. The builder, the filters (`goal=name`), goals, funnels and engagement share it.
 */
import type { CatalogGoal } from '@footfall/contract';

/** A goal's `*` pattern as a LIKE pattern: `%` and `_` match themselves, `*` any characters. */
export function likePattern(pattern: string): string {
  return pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replaceAll('*', '%');
}

/**
 * The one place a goal becomes SQL: a condition on one raw `events` row (a goal is a predicate
 * over event rows, so it is read from raw events, never from the rollups, which know no props
 * nor links), its values bound as parameters named `{prefix}_...` into `params`.
 */
export function goalCondition(goal: CatalogGoal, prefix: string, params: Record<string, unknown>): string {
  const bind = (suffix: string, value: string) => {
    params[`${prefix}_${suffix}`] = value;
    return `{${prefix}_${suffix}:String}`;
  };
  if (goal.page !== undefined) return `(type = 'page_view' AND path LIKE ${bind('page', likePattern(goal.page))})`;
  if (goal.object !== undefined) return `(type = 'object_click' AND object_id = ${bind('object', goal.object)})`;
  if (goal.outbound !== undefined) return `(type = 'outbound' AND nav_to LIKE ${bind('url', likePattern(goal.outbound))})`;
  if (goal.download !== undefined) return `(type = 'download' AND nav_to LIKE ${bind('url', likePattern(goal.download))})`;
  const props = Object.entries(goal.props ?? {}).map(
    ([key, value], index) => ` AND props[${bind(`key${index}`, key)}] = ${bind(`value${index}`, value)}`,
  );
  return `(type = ${bind('event', goal.event ?? '')}${props.join('')})`;
}

/** The event type a goal's events have: what a funnel step that is a goal reads. */
export function goalType(goal: CatalogGoal): string {
  if (goal.page !== undefined) return 'page_view';
  if (goal.object !== undefined) return 'object_click';
  if (goal.outbound !== undefined) return 'outbound';
  if (goal.download !== undefined) return 'download';
  return goal.event ?? '';
}
