// The checks a JSON schema cannot make on a catalog that has the right shape: ids used twice, an
// object in two rooms, origins written the way no browser sends them, event types that are typos
// of known ones. Each problem names its entry by path (`sites[0].rooms[1].objects[2].id`).
import { EVENT_TYPES, type Catalog } from '@footfall/contract';

export interface CatalogProblem {
  /** Where in the file: `sites[0].origins[1]`. */
  path: string;
  message: string;
}

/** Every problem of a catalog whose shape the schema accepted; empty when it is sound. */
export function catalogProblems(catalog: Catalog): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const firstSite = new Map<string, number>();
  catalog.sites.forEach((site, siteIndex) => {
    const at = `sites[${siteIndex}]`;
    const earlierSite = firstSite.get(site.id);
    if (earlierSite !== undefined) problems.push({ path: `${at}.id`, message: `"${site.id}" is already the id of sites[${earlierSite}]` });
    else firstSite.set(site.id, siteIndex);

    if (site.timezone !== undefined && !isTimeZone(site.timezone)) {
      problems.push({
        path: `${at}.timezone`,
        message: `"${site.timezone}" is not a time zone this Node.js knows; write an IANA name such as "Europe/Berlin", "America/Los_Angeles" or "UTC"`,
      });
    }

    problems.push(...goalProblems(site, at, catalog.eventTypes));

    const firstOrigin = new Map<string, number>();
    (site.origins ?? []).forEach((origin, originIndex) => {
      const path = `${at}.origins[${originIndex}]`;
      const problem = originProblem(origin);
      if (problem) problems.push({ path, message: problem });
      const earlier = firstOrigin.get(origin);
      if (earlier !== undefined) problems.push({ path, message: `"${origin}" is listed twice (also ${at}.origins[${earlier}])` });
      else firstOrigin.set(origin, originIndex);
    });

    // Object ids are unique across the site's rooms: an event names its object alone, and the
    // service finds the room from it.
    const firstRoom = new Map<string, number>();
    const firstObject = new Map<string, string>();
    site.rooms.forEach((room, roomIndex) => {
      const roomPath = `${at}.rooms[${roomIndex}]`;
      const earlierRoom = firstRoom.get(room.id);
      if (earlierRoom !== undefined)
        problems.push({ path: `${roomPath}.id`, message: `"${room.id}" is already the id of ${at}.rooms[${earlierRoom}]` });
      else firstRoom.set(room.id, roomIndex);
      room.objects.forEach((object, objectIndex) => {
        const objectPath = `${roomPath}.objects[${objectIndex}]`;
        const earlier = firstObject.get(object.id);
        if (earlier !== undefined) {
          problems.push({
            path: `${objectPath}.id`,
            message: `"${object.id}" is already ${earlier}.id: an object stands in one room only`,
          });
        } else firstObject.set(object.id, objectPath);
      });
    });
  });

  const firstType = new Map<string, number>();
  catalog.eventTypes.forEach((type, index) => {
    const path = `eventTypes[${index}]`;
    const earlier = firstType.get(type);
    if (earlier !== undefined) problems.push({ path, message: `"${type}" is listed twice (also eventTypes[${earlier}])` });
    else firstType.set(type, index);
    const meant = typoOf(type);
    if (meant) {
      problems.push({
        path,
        message: `"${type}" is not a known event type; did you mean "${meant}"? (known: ${EVENT_TYPES.join(', ')}; a type of your own must differ from them by more than a typo)`,
      });
    }
  });
  return problems;
}

/** What a goal matches: exactly one of these fields. */
export const GOAL_TARGETS = ['page', 'object', 'outbound', 'download', 'event'] as const;

/** Goals named twice, with no target or two, naming an object the site lacks or a type the catalog lacks. */
function goalProblems(site: Catalog['sites'][number], at: string, eventTypes: readonly string[]): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const objects = new Set(site.rooms.flatMap((room) => room.objects.map((object) => object.id)));
  const firstGoal = new Map<string, number>();
  (site.goals ?? []).forEach((goal, index) => {
    const path = `${at}.goals[${index}]`;
    const earlier = firstGoal.get(goal.name);
    if (earlier !== undefined)
      problems.push({ path: `${path}.name`, message: `"${goal.name}" is already the name of ${at}.goals[${earlier}]` });
    else firstGoal.set(goal.name, index);
    const targets = GOAL_TARGETS.filter((target) => goal[target] !== undefined);
    if (targets.length !== 1)
      problems.push({
        path,
        message: `needs exactly one of ${GOAL_TARGETS.join(', ')} (has ${targets.length === 0 ? 'none' : targets.join(', ')})`,
      });
    if (goal.object !== undefined && !objects.has(goal.object))
      problems.push({ path: `${path}.object`, message: `"${goal.object}" is no object of a room of ${at}` });
    if (goal.event !== undefined && !eventTypes.includes(goal.event))
      problems.push({ path: `${path}.event`, message: `"${goal.event}" is not one of eventTypes` });
    if (goal.props !== undefined && goal.event === undefined)
      problems.push({ path: `${path}.props`, message: 'matches the properties of an "event" goal only' });
  });
  return problems;
}

/** Whether Intl knows the zone: the zones Node.js carries are the ones its dates can be read in. */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Browsers send an origin as `scheme://host[:port]`, lower-case, with no default port, path or
 * trailing slash; an entry written any other way would never match, so it is refused here.
 */
function originProblem(origin: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return `"${origin}" is not an origin; write it as scheme://host[:port], e.g. "https://www.example.com"`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `"${origin}" is not an http or https origin`;
  if (parsed.origin !== origin) {
    return `"${origin}" is not written the way browsers send it; write "${parsed.origin}" (no path, no trailing slash, no default port, lower case)`;
  }
  return undefined;
}

/** The known event type `type` is a near miss of (one or two letters off), if any. */
function typoOf(type: string): string | undefined {
  if ((EVENT_TYPES as readonly string[]).includes(type)) return undefined;
  return EVENT_TYPES.find((known) => editDistance(type, known) <= 2);
}

/** Levenshtein distance; the strings are ids of at most 64 characters. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
