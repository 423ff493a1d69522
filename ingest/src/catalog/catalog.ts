import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

/** The catalog file: what may be tracked. Anything not in it is refused and counted. */
export interface CatalogFile {
  sites: Array<{
    id: string;
    origins: string[];
    rooms: Array<{ id: string; objects: Array<{ id: string; label?: string }> }>;
  }>;
  eventTypes: string[];
}

const ID = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' };
const catalogSchema = {
  type: 'object',
  required: ['sites', 'eventTypes'],
  additionalProperties: false,
  properties: {
    sites: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'origins', 'rooms'],
        additionalProperties: false,
        properties: {
          id: ID,
          origins: { type: 'array', items: { type: 'string', pattern: '^https?://[^/]+$' } },
          rooms: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'objects'],
              additionalProperties: false,
              properties: {
                id: ID,
                objects: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['id'],
                    additionalProperties: false,
                    properties: { id: ID, label: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
    },
    eventTypes: { type: 'array', minItems: 1, items: ID },
  },
};

export interface SiteEntry {
  id: string;
  origins: ReadonlySet<string>;
  rooms: ReadonlySet<string>;
  /** object id -> the room it stands in */
  objectRooms: ReadonlyMap<string, string>;
  /** every object id of the site, in catalog order */
  objects: readonly string[];
}

/** The catalog with fast look-ups for the hot path. */
export class Catalog {
  readonly sites: ReadonlyMap<string, SiteEntry>;
  readonly eventTypes: ReadonlySet<string>;
  readonly defaultSite: string;
  /** Every origin of every site: CORS allows exactly these. */
  readonly origins: ReadonlySet<string>;

  constructor(file: CatalogFile) {
    const sites = new Map<string, SiteEntry>();
    for (const site of file.sites) {
      const objectRooms = new Map<string, string>();
      for (const room of site.rooms) for (const object of room.objects) objectRooms.set(object.id, room.id);
      sites.set(site.id, {
        id: site.id,
        origins: new Set(site.origins),
        rooms: new Set(site.rooms.map((room) => room.id)),
        objectRooms,
        objects: [...objectRooms.keys()],
      });
    }
    this.sites = sites;
    this.eventTypes = new Set(file.eventTypes);
    this.defaultSite = file.sites[0]!.id;
    this.origins = new Set(file.sites.flatMap((site) => site.origins));
  }
}

/** Reads and checks a catalog file; throws with the file name and the first problem. */
export function loadCatalog(path: string): Catalog {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`catalog ${path}: ${(error as Error).message}`);
  }
  const validate = new Ajv({ allErrors: false }).compile<CatalogFile>(catalogSchema);
  if (!validate(parsed)) {
    const first = validate.errors?.[0];
    throw new Error(`catalog ${path}: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`);
  }
  return new Catalog(parsed);
}
