/** `GET /api/events`: the newest stored events, as JSON or CSV. */
import type { FastifyPluginAsync } from 'fastify';
import { toCsv } from '../../export/csv.js';
import { EVENT_COLUMNS, readEvents } from '../../stats/events.js';
import { isoInZone } from '../../stats/time-zone.js';
import { formatProperty, siteProperty } from './schemas.js';
import { siteOf } from './site.js';

const eventsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    site: siteProperty,
    session: { type: 'string', maxLength: 64 },
    visitor: { type: 'string', maxLength: 64 },
    type: { type: 'string', maxLength: 64 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    format: formatProperty,
  },
} as const;

interface EventsQuery {
  site?: string;
  session?: string;
  visitor?: string;
  type?: string;
  limit: number;
  format: 'json' | 'csv';
}

const eventsRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: EventsQuery }>('/api/events', { schema: { querystring: eventsQuery } }, async (request, reply) => {
    const { format, ...filter } = request.query;
    const site = siteOf(app, filter.site);
    const events = await readEvents(app.clickhouse, { ...filter, site: site.id });
    if (format === 'json') return { events };
    // A spreadsheet shows the site's own clock: each time in the site's zone, with its offset.
    const local = events.map((event) => ({ ...event, ts: isoInZone(Date.parse(`${String(event.ts).replace(' ', 'T')}Z`), site.timeZone) }));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="events.csv"')
      .send(toCsv(EVENT_COLUMNS, local));
  });
};

export default eventsRoutes;
