import type { FastifyPluginAsync } from 'fastify';
import { BadBeaconError, NothingUsableError, SpoolFullError } from '../../errors.js';
import type { EventRow } from '../../tables/index.js';
import { senderOf } from '../../events/sender.js';
import { toEventRow } from '../../events/to-event-row.js';
import { refusedValueOf } from '../../stats/refused-values.js';
import { storeEvents, type Refusal } from '../accepted-events.js';
import { sharedRateLimit, type IngestRouteOptions } from '../ingest-route-options.js';

export const MAX_BEACON_BYTES = 64 * 1024;
export const MAX_EVENTS_PER_BEACON = 100;

const bodySchema = {
  type: 'object',
  properties: {
    site: { type: 'string', maxLength: 64 },
    events: { type: 'array', minItems: 1, maxItems: MAX_EVENTS_PER_BEACON },
  },
} as const;

const responseSchema = {
  202: {
    type: 'object',
    required: ['accepted', 'duplicates', 'refused'],
    additionalProperties: false,
    properties: {
      accepted: { type: 'integer' },
      duplicates: { type: 'integer' },
      refused: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: { index: { type: 'integer' }, reason: { type: 'string' }, value: { type: 'string' } },
        },
      },
    },
  },
} as const;

interface BeaconBody {
  site?: string;
  events?: unknown[];
}

/** `POST /v1/beacon` and `POST /track`: events from the tracker, one or a batch. */
const beaconRoutes: FastifyPluginAsync<IngestRouteOptions> = async (app, options) => {
  // sendBeacon sends text/plain (it needs no CORS preflight); the text is JSON all the same.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, text, done) => {
    try {
      done(null, JSON.parse(text as string));
    } catch {
      done(new BadBeaconError('it is not valid JSON'), undefined);
    }
  });

  // The two URLs are one surface: one bucket per client across both.
  const rateLimit = sharedRateLimit(app, options);
  for (const url of ['/v1/beacon', '/track']) {
    app.post<{ Body: BeaconBody }>(url, {
      bodyLimit: MAX_BEACON_BYTES,
      schema: { body: bodySchema, response: responseSchema },
      onRequest: rateLimit ? [rateLimit] : [],
      handler: async (request, reply) => {
        if (app.pipeline.full) throw new SpoolFullError();
        const body = request.body;
        const events = body.events ?? [body];
        const envelopeSite = body.events ? body.site : undefined;
        const { sender, refusal } = senderOf(request, 'beacon', envelopeSite, app.senders);
        const rows: EventRow[] = [];
        const refused: Refusal[] = [];
        events.forEach((event, index) => {
          if (refusal) return refused.push({ index, reason: refusal });
          const checked = toEventRow(event, app.catalog, sender);
          if (checked.row) rows.push(checked.row);
          else refused.push({ index, reason: checked.reason, value: refusedValueOf(checked.reason, event, sender.origin) });
        });
        const { accepted, duplicates } = storeEvents(app, request, 'beacon', rows, refused);
        if (rows.length === 0) throw new NothingUsableError(describe(refused));
        return reply.code(202).send({ accepted, duplicates, refused });
      },
    });
  }
};

function describe(refused: readonly Refusal[]): string {
  const reasons = [...new Set(refused.map((refusal) => refusal.reason))];
  return `every event was refused (${reasons.join(', ')})`;
}

export default beaconRoutes;
