// `POST /v1/beacon` and `POST /track`: the body's shape and limits, then the judging and storing
// that every source shares (ingest/src/accept).
import { EVENT_LIMITS } from '@footfall/contract';
import type { FastifyPluginAsync } from 'fastify';
import { judgeBeaconEvents } from '../../accept/judge-events.js';
import { summariseReasons } from '../../accept/refusals.js';
import { storeEvents } from '../../accept/store-events.js';
import { BadBeaconError, NothingUsableError, SpoolFullError } from '../../errors.js';
import { senderOf } from '../../events/sender.js';
import { sharedRateLimit, type IngestRouteOptions } from '../ingest-route-options.js';

export const MAX_BEACON_BYTES = 64 * 1024;
export const MAX_EVENTS_PER_BEACON = 100;
/** The message of a beacon refused whole names this many different hints at most. */
const MAX_HINTS_IN_MESSAGE = 3;

const bodySchema = {
  type: 'object',
  properties: {
    site: { type: 'string', maxLength: EVENT_LIMITS.nameLength },
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
          properties: { index: { type: 'integer' }, reason: { type: 'string' }, value: { type: 'string' }, hint: { type: 'string' } },
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
        const judged = senderOf(request, 'beacon', envelopeSite, app.senders);
        const { rows, refused } = judgeBeaconEvents(events, judged, app.catalog, envelopeSite, request.headers.origin);
        const { accepted, duplicates } = storeEvents(app, request.log, 'beacon', rows, refused);
        // Each refusal says what to do: the page cannot read this answer across origins, the owner can.
        const answered = refused.map((refusal) => ({ ...refusal, hint: app.refusedValues.hint(refusal) }));
        if (rows.length === 0) {
          const hints = [...new Set(answered.map(({ hint }) => hint))].slice(0, MAX_HINTS_IN_MESSAGE);
          throw new NothingUsableError(
            `every event was refused (${summariseReasons(refused.map(({ reason }) => reason))}): ${hints.join('; ')}`,
          );
        }
        return reply.code(202).send({ accepted, duplicates, refused: answered });
      },
    });
  }
};

export default beaconRoutes;
