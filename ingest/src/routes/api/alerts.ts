/**
 * `GET /api/alerts`: the traffic alerts the service raised itself (ingest/src/alerts/), those still
 * firing and those of the last `days` days, newest first, each with a link to the overview page on
 * the anomaly's days. Read-only; every site, or one with `site`.
 */
import type { FastifyPluginAsync } from 'fastify';
import { AlertStore } from '../../alerts/alert-store.js';
import { TRAFFIC_RULES } from '../../alerts/traffic-evaluator.js';
import { anomalyLink } from '../../alerts/webhook.js';
import { siteProperty } from './schemas.js';
import { siteOf } from './site.js';

const DAY_MS = 86_400_000;

const alertsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    site: siteProperty,
    days: { type: 'integer', minimum: 1, maximum: 90, default: 7 },
  },
} as const;

const alertItem = {
  type: 'object',
  required: ['rule', 'title', 'site', 'status', 'startedAt', 'resolvedAt', 'observedPerMinute', 'expectedPerMinute', 'link'],
  properties: {
    rule: { type: 'string' },
    title: { type: 'string' },
    site: { type: 'string' },
    status: { type: 'string', enum: ['firing', 'resolved'] },
    startedAt: { type: 'string' },
    resolvedAt: { type: ['string', 'null'] },
    observedPerMinute: { type: 'number' },
    expectedPerMinute: { type: 'number' },
    link: { type: 'string' },
  },
} as const;

const alertsResponse = {
  type: 'object',
  required: ['firing', 'recent'],
  properties: {
    firing: { type: 'array', items: alertItem },
    recent: { type: 'array', items: alertItem },
  },
} as const;

const alertsRoutes: FastifyPluginAsync = async (app) => {
  const store = new AlertStore(app.clickhouse);
  app.get<{ Querystring: { site?: string; days: number } }>(
    '/api/alerts',
    { schema: { querystring: alertsQuery, response: { 200: alertsResponse } } },
    async (request) => {
      const site = request.query.site === undefined ? undefined : siteOf(app, request.query.site).id;
      const alerts = (await store.list(Date.now() - request.query.days * DAY_MS, site)).map((alert) => ({
        rule: alert.rule,
        title: TRAFFIC_RULES.find((rule) => rule.id === alert.rule)?.title ?? alert.rule,
        site: alert.site,
        status: alert.resolvedAt === undefined ? 'firing' : 'resolved',
        startedAt: new Date(alert.startedAt).toISOString(),
        resolvedAt: alert.resolvedAt === undefined ? null : new Date(alert.resolvedAt).toISOString(),
        observedPerMinute: alert.observed,
        expectedPerMinute: alert.expected,
        link: anomalyLink(alert),
      }));
      return { firing: alerts.filter((alert) => alert.status === 'firing'), recent: alerts.filter((alert) => alert.status === 'resolved') };
    },
  );
};

export default alertsRoutes;
