/**
 * `GET /api/digest?site=&week=YYYY-Www`: a site's weekly digest (ingest/src/digest/), the facts
 * and the sentences the Monday message carries; by default the last week that has ended in the
 * site's zone. Read-only: a shared link's page shows it.
 */
import type { FastifyPluginAsync } from 'fastify';
import { composeDigest } from '../../digest/compose-digest.js';
import { digestText } from '../../digest/digest-text.js';
import { dueWeek, WEEK_PATTERN, weekSpan } from '../../digest/iso-week.js';
import { BadWeekError } from '../../errors.js';
import { startOfLocalDay, addDays } from '../../stats/time-zone.js';
import { siteProperty } from './schemas.js';
import { siteOf } from './site.js';

const digestQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { site: siteProperty, week: { type: 'string', pattern: WEEK_PATTERN } },
} as const;

const digestRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { site?: string; week?: string } }>('/api/digest', { schema: { querystring: digestQuery } }, async (request) => {
    const site = siteOf(app, request.query.site);
    const now = Math.floor(Date.now() / 1000);
    // The last week that has ended, whatever the hour on Monday.
    const week = request.query.week ?? dueWeek(now, site.timeZone, 0).week;
    const span = weekSpan(week);
    if (!span) throw new BadWeekError(week, 'that year has no such ISO week');
    if (startOfLocalDay(addDays(span.to, 1), site.timeZone) > now) throw new BadWeekError(week, `it ends after now in ${site.timeZone}`);
    const facts = await composeDigest(app.clickhouse, site, week, now);
    return { ...facts, ...digestText(facts) };
  });
};

export default digestRoutes;
