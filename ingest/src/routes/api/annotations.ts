/**
 * `POST /api/annotations`, `GET /api/annotations`, `DELETE /api/annotations/:id`: the owner's notes
 * on a site's timeline (ingest/src/annotations/). Reading them is a read-only route (a shared link's
 * chart shows them); writing and deleting need an admin key (auth/access.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import { type Annotation, AnnotationStore, MAX_ANNOTATION_TEXT } from '../../annotations/annotation-store.js';
import { type Access, authorize } from '../../auth/access.js';
import { BadAnnotationError, UnknownAnnotationError } from '../../errors.js';
import { boundsOf } from '../../stats/summary-period.js';
import { isoInZone } from '../../stats/time-zone.js';
import { type PeriodQuery, periodOf, periodProperties } from './period.js';
import { siteProperty } from './schemas.js';
import { siteOf } from './site.js';

/** ISO 8601 with a date, a time and a zone (`2026-11-02T09:30:00Z`, `...+01:00`): one exact instant. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const annotationBody = {
  type: 'object',
  required: ['site', 'at', 'text'],
  additionalProperties: false,
  propertyNames: { enum: ['site', 'at', 'text'] },
  properties: {
    site: siteProperty,
    // An ISO time with its zone, or epoch seconds.
    at: { anyOf: [{ type: 'number' }, { type: 'string', minLength: 1, maxLength: 40 }] },
    text: { type: 'string', minLength: 1, maxLength: MAX_ANNOTATION_TEXT },
  },
} as const;

const annotationShape = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'site', 'at', 'text', 'created'],
  properties: {
    id: { type: 'string' },
    site: { type: 'string' },
    at: { type: 'string' },
    text: { type: 'string' },
    created: { type: 'string' },
  },
} as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...periodProperties, site: siteProperty },
} as const;

/** The last instant DateTime64 holds well: the end of a period that runs on. */
const FAR_FUTURE_MS = Date.UTC(2299, 0, 1);

const idParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

/** The instant a body's `at` names, epoch ms; throws a precise refusal. */
export function instantOf(at: number | string): number {
  if (typeof at === 'number') {
    // Epoch seconds from 1970 to 9999: a value in milliseconds is refused rather than read as a far future.
    if (!Number.isFinite(at) || at < 0 || at >= 253_402_300_800) {
      throw new BadAnnotationError(`body.at ${at} is not epoch seconds between 1970 and 9999 (milliseconds? divide by 1000)`);
    }
    return Math.round(at * 1000);
  }
  const ms = Date.parse(at);
  if (!ISO_INSTANT.test(at) || Number.isNaN(ms)) {
    throw new BadAnnotationError(`body.at ${JSON.stringify(at)} is not an ISO time with its zone (2026-11-02T09:30:00Z) nor epoch seconds`);
  }
  if (ms < 0) throw new BadAnnotationError(`body.at ${JSON.stringify(at)} is before 1970`);
  return ms;
}

/**
 * Whether `access` may add a note to `site`, by the very rule POST applies: the page shows its form
 * only then (never to a shared link or a read-only key, whose POST would be refused).
 */
function mayAdd(access: Access | undefined, site: string): boolean {
  if (access === undefined) return false;
  try {
    authorize(access, 'POST /api/annotations', { site });
    return true;
  } catch {
    return false;
  }
}

/** A note as the API answers it: times in the site's zone. */
export function shown(note: Annotation, timeZone: string) {
  return { id: note.id, site: note.site, at: isoInZone(note.at, timeZone), text: note.text, created: isoInZone(note.created, timeZone) };
}

const annotationRoutes: FastifyPluginAsync = async (app) => {
  const store = new AnnotationStore(app.clickhouse);

  app.post<{ Body: { site: string; at: number | string; text: string } }>(
    '/api/annotations',
    { schema: { body: annotationBody, response: { 201: annotationShape } } },
    async (request, reply) => {
      const site = siteOf(app, request.body.site);
      const text = request.body.text.trim();
      if (text === '') throw new BadAnnotationError('body.text is blank');
      const note = await store.add({ site: site.id, at: instantOf(request.body.at), text });
      request.log.info({ id: note.id, site: site.id }, 'annotation added');
      return reply.code(201).send(shown(note, site.timeZone));
    },
  );

  app.get<{ Querystring: PeriodQuery & { site?: string } }>(
    '/api/annotations',
    {
      schema: {
        querystring: listQuery,
        response: {
          200: {
            type: 'object',
            properties: { annotations: { type: 'array', items: annotationShape }, writable: { type: 'boolean' } },
          },
        },
      },
    },
    async (request) => {
      const { site: id, ...period } = request.query;
      const site = siteOf(app, id);
      const now = Date.now();
      const bounds = boundsOf(site, periodOf(period), Math.floor(now / 1000))!;
      // A rolling period runs up to now; a note put a little ahead (an announced launch) shows too.
      const to = bounds.to === undefined ? FAR_FUTURE_MS : bounds.to * 1000;
      const notes = await store.list(site.id, bounds.from * 1000, to);
      return { annotations: notes.map((note) => shown(note, site.timeZone)), writable: mayAdd(request.access, site.id) };
    },
  );

  app.delete<{ Params: { id: string } }>('/api/annotations/:id', { schema: { params: idParams } }, async (request) => {
    if (!(await store.delete(request.params.id))) throw new UnknownAnnotationError(JSON.stringify(request.params.id));
    request.log.info({ id: request.params.id }, 'annotation deleted');
    return { id: request.params.id, deleted: true };
  });
};

export default annotationRoutes;
