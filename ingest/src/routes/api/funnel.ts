/**
 * `GET /api/funnel?site=&range=|from=&to=&compare=&page=...&step=TYPE[:TARGET]|goal:NAME&step=...`:
 * visits that did the steps in order, and in the compared period; the summary's filters narrow it.
 */
import type { FastifyPluginAsync } from 'fastify';
import { toCsv } from '../../export/csv.js';
import type { Filters } from '../../stats/filters.js';
import { MAX_STEPS, MIN_STEPS, parseStep, readFunnel } from '../../stats/funnel.js';
import { type PeriodQuery, periodOf } from './period.js';
import { formatProperty, statsQuery } from './schemas.js';
import { siteOf } from './site.js';

const funnelQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['step'],
  properties: {
    // The summary's site, period and filters, so the page's funnel narrows with the page.
    ...statsQuery.properties,
    step: { type: 'array', minItems: MIN_STEPS, maxItems: MAX_STEPS, items: { type: 'string', minLength: 1, maxLength: 600 } },
    format: formatProperty,
  },
} as const;

type FunnelQuery = PeriodQuery &
  Filters & {
    site?: string;
    step: string[];
    format: 'json' | 'csv';
  };

const funnelRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: FunnelQuery }>('/api/funnel', { schema: { querystring: funnelQuery } }, async (request, reply) => {
    const site = siteOf(app, request.query.site);
    const steps = request.query.step.map((step) => parseStep(step, app.catalog, site));
    const { site: _site, range, from, to, compare, step: _steps, format: _format, ...filters } = request.query;
    // A goal filter names one of the site's goals, as a goal step does: the same check, the same refusal.
    if (filters.goal !== undefined) parseStep(`goal:${filters.goal}`, app.catalog, site);
    const funnel = await readFunnel(app.clickhouse, site, periodOf({ range, from, to, compare }), steps, filters);
    if (request.query.format === 'json') return funnel;
    // The CSV keeps the columns it has always had: the period's own counts.
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="funnel.csv"')
      .send(
        toCsv(
          ['step', 'sessions'],
          funnel.steps.map(({ step, sessions }) => ({ step, sessions })),
        ),
      );
  });
};

export default funnelRoutes;
