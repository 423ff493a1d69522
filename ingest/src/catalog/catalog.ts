// The catalog: which sites exist, which browser origins may send for each, their rooms and
// objects, and the event types accepted. Anything not in it is refused and counted. Read once at
// start-up; a bad file stops the service with every problem named by its path in the file.
import { readFileSync } from 'node:fs';
import { type Catalog as CatalogDocument, type CatalogGoal, DEFAULT_DOWNLOADS } from '@footfall/contract';
import { Ajv, type ErrorObject } from 'ajv';
import { catalogProblems, type CatalogProblem } from './catalog-checks.js';
import { catalogSchema, ID_RULE } from './catalog-schema.js';

/** How many problems one start-up message lists; the rest are counted. */
const MAX_PROBLEMS_SHOWN = 20;

/** A catalog file that cannot be used; the message names the file and each bad entry. */
export class CatalogError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly CatalogProblem[],
  ) {
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map((problem) => `\n  ${problem.path}: ${problem.message}`);
    const more = problems.length > MAX_PROBLEMS_SHOWN ? `\n  ... and ${problems.length - MAX_PROBLEMS_SHOWN} more` : '';
    super(`catalog ${file} cannot be used (see docs/catalog.md):${shown.join('')}${more}`);
    this.name = 'CatalogError';
  }
}

export interface SiteEntry {
  id: string;
  /** Browser origins that may send events for the site (the request's Origin header). */
  origins: ReadonlySet<string>;
  rooms: ReadonlySet<string>;
  /** object id -> the room it stands in */
  objectRooms: ReadonlyMap<string, string>;
  /** every object id of the site, in catalog order */
  objects: readonly string[];
  /** The site's IANA time zone (`UTC` unless the catalog names one). */
  timeZone: string;
  /** Object id -> its label, room id -> its label (the id when the catalog gives none): what the owner reads. */
  objectLabels: ReadonlyMap<string, string>;
  roomLabels: ReadonlyMap<string, string>;
  /** The property keys the site's events may carry; undefined when the catalog declares none (any key is kept). */
  props: ReadonlySet<string> | undefined;
  /** The site's goals, in catalog order. */
  goals: readonly CatalogGoal[];
  /** Extensions (lower case, no dot) whose links are `download`: the catalog's, else DEFAULT_DOWNLOADS. */
  downloads: ReadonlySet<string>;
}

/** The catalog with fast look-ups for the hot path. */
export class Catalog {
  readonly sites: ReadonlyMap<string, SiteEntry>;
  readonly eventTypes: ReadonlySet<string>;
  readonly defaultSite: string;
  /** Every origin of every site: CORS allows exactly these. */
  readonly origins: ReadonlySet<string>;
  /** The catalog as written, with defaults filled in (every label set): what the catalog table holds. */
  readonly document: CatalogDocument;

  constructor(document: CatalogDocument) {
    const sites = new Map<string, SiteEntry>();
    for (const site of document.sites) {
      const objectRooms = new Map<string, string>();
      for (const room of site.rooms) for (const object of room.objects) objectRooms.set(object.id, room.id);
      sites.set(site.id, {
        id: site.id,
        origins: new Set(site.origins),
        rooms: new Set(site.rooms.map((room) => room.id)),
        objectRooms,
        objects: [...objectRooms.keys()],
        timeZone: site.timezone ?? 'UTC',
        objectLabels: new Map(site.rooms.flatMap((room) => room.objects.map((object) => [object.id, object.label ?? object.id]))),
        roomLabels: new Map(site.rooms.map((room) => [room.id, room.label ?? room.id])),
        props: site.props === undefined ? undefined : new Set(site.props),
        goals: site.goals ?? [],
        downloads: new Set(site.downloads ?? DEFAULT_DOWNLOADS),
      });
    }
    this.sites = sites;
    this.eventTypes = new Set(document.eventTypes);
    this.defaultSite = document.sites[0]!.id;
    this.origins = new Set(document.sites.flatMap((site) => site.origins ?? []));
    this.document = document;
  }
}

// Defaults (empty origins, rooms and objects) are written into the parsed document; `verbose`
// keeps the bad value and its schema on each error, for the messages below.
const validate = new Ajv({ allErrors: true, useDefaults: true, verbose: true }).compile<CatalogDocument>(catalogSchema);

/** Reads and checks a catalog file; throws a CatalogError naming every bad entry. */
export function loadCatalog(file: string): Catalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CatalogError(file, [{ path: '(file)', message: `cannot be read: ${(error as Error).message}` }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CatalogError(file, [{ path: '(file)', message: `is not JSON: ${(error as Error).message}` }]);
  }
  if (!validate(parsed)) throw new CatalogError(file, (validate.errors ?? []).map(schemaProblem));
  const problems = catalogProblems(parsed);
  if (problems.length > 0) throw new CatalogError(file, problems);
  // An object without a label is shown by its id.
  for (const site of parsed.sites) for (const room of site.rooms) for (const object of room.objects) object.label ??= object.id;
  return new Catalog(parsed);
}

/** An ajv error as a path in the file's own terms (`sites[0].rooms[1].id`) and a message that says what to write. */
function schemaProblem(error: ErrorObject): CatalogProblem {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('')
    .replace(/^\./, '');
  const where = path || '(top level)';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: where, message: `needs "${String(params.missingProperty)}"` };
    case 'additionalProperties':
      return {
        path: where,
        message: `has "${String(params.additionalProperty)}", which the catalog does not know; ${allowedFields(error)}`,
      };
    case 'pattern':
      return { path, message: `${JSON.stringify(error.data)} is not an id: ids are ${ID_RULE}` };
    case 'minItems':
      return { path, message: `must list at least ${String(params.limit)}` };
    default:
      return { path: where, message: error.message ?? 'is invalid' };
  }
}

function allowedFields(error: ErrorObject): string {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? `allowed: ${Object.keys(properties).join(', ')}` : 'remove it';
}
