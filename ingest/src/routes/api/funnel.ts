/** `GET /api/funnel?site=&range=|from=&to=&compare=&step=TYPE[:TARGET]|goal:NAME&step=...`: visits that did the steps in order, and in the compared period. */
import type { FastifyPluginAsync } from 'fastify';
import { toCsv } from '../../export/csv.js';
import { MAX_STEPS, MIN_STEPS, parseStep, readFunnel } from '../../stats/funnel.js';
import { type PeriodQuery, periodOf, periodProperties } from './period.js';
import { formatProperty, siteProperty } from './schemas.js';
import { siteOf } from './site.js';

const funnelQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['step'],
  properties: {
    site: siteProperty,
    ...periodProperties,
    step: { type: 'array', minItems: MIN_STEPS, maxItems: MAX_STEPS, items: { type: 'string', minLength: 1, maxLength: 600 } },
    format: formatProperty,
  },
} as const;

interface FunnelQuery extends PeriodQuery {
  site?: string;
  step: string[];
  format: 'json' | 'csv';
}

const funnelRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: FunnelQuery }>('/api/funnel', { schema: { querystring: funnelQuery } }, async (request, reply) => {
    const site = siteOf(app, request.query.site);
    const steps = request.query.step.map((step) => parseStep(step, app.catalog, site));
    const { range, from, to, compare } = request.query;
    const funnel = await readFunnel(app.clickhouse, site, periodOf({ range, from, to, compare }), steps);
    if (request.query.format === 'json') return funnel;
    // The CSV keeps the columns it has always had: the period's own counts.
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="funnel.csv"')
      .send(toCsv(['step', 'sessions'], funnel.steps.map(({ step, sessions }) => ({ step, sessions }))));
  });
};

export default funnelRoutes;
