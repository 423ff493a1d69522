/**
 * A catalog goal as SQL: the condition on one raw `events` row that reaches it, the same on a
 * rollup row where one answers it, and the event type its events have. The builder, the filters
 * (`goal=name`), goals, funnels and engagement share it.
 */
import { type CatalogGoal, RESERVED_PROP_KEYS } from '@footfall/contract';

/** A goal's `*` pattern as a LIKE pattern: `%` and `_` match themselves, `*` any characters. */
export function likePattern(pattern: string): string {
  return pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replaceAll('*', '%');
}

/** Binds a goal's value as the parameter `{prefix}_{suffix}` and gives its placeholder. */
function binder(prefix: string, params: Record<string, unknown>): (suffix: string, value: string) => string {
  return (suffix, value) => {
    params[`${prefix}_${suffix}`] = value;
    return `{${prefix}_${suffix}:String}`;
  };
}

/**
 * The one place a goal becomes SQL: a condition on one raw `events` row, its values bound as
 * parameters named `{prefix}_...` into `params`.
 */
export function goalCondition(goal: CatalogGoal, prefix: string, params: Record<string, unknown>): string {
  const bind = binder(prefix, params);
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

/**
 * Whether the rollups' rows answer a goal (migration 0072): a page from the `page`
 * rows; an object, a link or a custom event from the `action` rows; a custom event with one
 * property match from the `prop` rows. Not a page view named as a custom event (it has no
 * `action` row), several property matches at once (each is a row of its own) or a tracker's own
 * key (left out of the `prop` rows): those goals are read from raw events.
 */
export function onRollups(goal: CatalogGoal): boolean {
  if (goal.event === undefined) return true;
  const keys = Object.keys(goal.props ?? {});
  return goal.event !== 'page_view' && (keys.length === 0 || (keys.length === 1 && !RESERVED_PROP_KEYS.includes(keys[0]!)));
}

/**
 * A goal as a condition on a rollup row (`dimension`, `value`, `value2`, `value3`) when onRollups
 * says one answers it: the rows whose events reach the goal, so that merging their visitors'
 * states and summing their events gives what goalCondition gives over raw events.
 */
export function goalRollupCondition(goal: CatalogGoal, prefix: string, params: Record<string, unknown>): string {
  const bind = binder(prefix, params);
  if (goal.page !== undefined) return `(dimension = 'page' AND value LIKE ${bind('page', likePattern(goal.page))})`;
  if (goal.object !== undefined) return `(dimension = 'action' AND value = 'object_click' AND value2 = ${bind('object', goal.object)})`;
  if (goal.outbound !== undefined)
    return `(dimension = 'action' AND value = 'outbound' AND value2 LIKE ${bind('url', likePattern(goal.outbound))})`;
  if (goal.download !== undefined)
    return `(dimension = 'action' AND value = 'download' AND value2 LIKE ${bind('url', likePattern(goal.download))})`;
  const [match] = Object.entries(goal.props ?? {});
  if (match === undefined) return `(dimension = 'action' AND value = ${bind('event', goal.event ?? '')})`;
  return `(dimension = 'prop' AND value = ${bind('event', goal.event ?? '')} AND value2 = ${bind('key0', match[0])} AND value3 = ${bind('value0', match[1])})`;
}
