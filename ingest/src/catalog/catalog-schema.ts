// The JSON schema of the catalog file: its fields, which are required, and the form of ids.
// What one field cannot say alone (ids used twice, an origin written the way no browser sends
// it, an event type that is a typo) is checked afterwards, in catalog-checks.ts.

/** Ids of sites, rooms and objects: what the tracker sends, what labels metrics and dashboards. */
export const ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';
/** The same rule in words, for error messages. */
export const ID_RULE = '1 to 64 characters of a-z, 0-9, "-" and "_", starting with a letter or digit';
/** Labels are shown on dashboards and the overview page, never used as a key. */
export const MAX_LABEL_LENGTH = 128;

const id = { type: 'string', pattern: ID_PATTERN } as const;
const label = { type: 'string', minLength: 1, maxLength: MAX_LABEL_LENGTH } as const;
/** A path or URL a goal matches, `*` standing for any characters. */
const pattern = { type: 'string', minLength: 1, maxLength: 512 } as const;

export const catalogSchema = {
  type: 'object',
  required: ['sites', 'eventTypes'],
  additionalProperties: false,
  properties: {
    // An editor's pointer to a schema; allowed so a catalog can name one, never read.
    $schema: { type: 'string' },
    sites: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id'],
        additionalProperties: false,
        properties: {
          id,
          // Absent or empty: no browser page may send for the site, only senders without an
          // Origin header (servers, the Collector).
          origins: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
          // An IANA name (UTC when absent); days, hours and "today" of the site's figures are its own. Checked against
          // the zones this Node.js knows in catalog-checks.ts.
          timezone: { type: 'string', minLength: 1, maxLength: 64 },
          // Absent: any property key; listed: the only keys kept (docs/catalog.md, "Properties").
          props: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 } },
          // Extensions whose links are downloads, in place of the default list (docs/catalog.md, "Downloads").
          downloads: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9]{1,16}$' }, maxItems: 100 },
          // What counts as a conversion: exactly one target each (checked in catalog-checks.ts).
          goals: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name'],
              additionalProperties: false,
              properties: {
                name: label,
                page: pattern,
                object: id,
                outbound: pattern,
                download: pattern,
                event: id,
                props: { type: 'object', additionalProperties: { type: 'string', maxLength: 512 } },
              },
            },
          },
          // A site of plain pages has no room.
          rooms: {
            type: 'array',
            default: [],
            items: {
              type: 'object',
              required: ['id'],
              additionalProperties: false,
              properties: {
                id,
                label,
                objects: {
                  type: 'array',
                  default: [],
                  items: {
                    type: 'object',
                    required: ['id'],
                    additionalProperties: false,
                    properties: { id, label },
                  },
                },
              },
            },
          },
        },
      },
    },
    eventTypes: { type: 'array', minItems: 1, items: id },
  },
} as const;
