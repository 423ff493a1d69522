/** `DELETE /api/sessions/:id` and `DELETE /api/visitors/:id`: erase one person's rows. */
import type { FastifyPluginAsync } from 'fastify';
import { ErasureDisabledError } from '../../errors.js';
import { eraseSession, eraseVisitor } from '../../stats/erasure.js';

const FLUSH_TIMEOUT_MS = 10_000;

const idParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  // Never empty: events sent under Do Not Track have an empty session and visitor id.
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

export interface ErasureRouteOptions {
  /** Erasure is refused outright while the read API has no token: anyone could erase anything. */
  tokenSet: boolean;
}

const erasureRoutes: FastifyPluginAsync<ErasureRouteOptions> = async (app, options) => {
  const routes = [
    { url: '/api/sessions/:id', erase: eraseSession },
    { url: '/api/visitors/:id', erase: eraseVisitor },
  ];
  for (const { url, erase } of routes) {
    app.delete<{ Params: { id: string } }>(url, { schema: { params: idParams } }, async (request) => {
      if (!options.tokenSet) throw new ErasureDisabledError();
      // Rows accepted but still buffered would escape the erasure: write them first.
      await app.pipeline.flush(FLUSH_TIMEOUT_MS);
      const deleted = await erase(app.clickhouse, request.params.id);
      // Summaries computed before the erasure may still count its rows: the next one is fresh.
      app.statsFeed.forget();
      request.log.info({ url, deleted }, 'erased');
      return { id: request.params.id, deleted };
    });
  }
};

export default erasureRoutes;
