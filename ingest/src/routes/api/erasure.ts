/** `DELETE /api/sessions/:id` and `DELETE /api/visitors/:id`: erase one person's rows. */
import type { FastifyPluginAsync } from 'fastify';
import { ErasureDisabledError, ErasureNotFlushedError } from '../../errors.js';
import { eraseSession, eraseVisitor } from '../../erasure/erasure.js';

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
  /** The ClickHouse cluster the tables are on (CLICKHOUSE_CLUSTER). */
  cluster: string | undefined;
}

const erasureRoutes: FastifyPluginAsync<ErasureRouteOptions> = async (app, options) => {
  const routes = [
    { url: '/api/sessions/:id', erase: eraseSession },
    { url: '/api/visitors/:id', erase: eraseVisitor },
  ];
  for (const { url, erase } of routes) {
    app.delete<{ Params: { id: string } }>(url, { schema: { params: idParams } }, async (request) => {
      if (!options.tokenSet) throw new ErasureDisabledError();
      // Rows accepted before the erasure but still in the write-ahead log would land after the
      // DELETE and undo it: every one of them is written first, or nothing is erased (503, the
      // owner retries once ClickHouse takes writes again). Rows accepted after this point are
      // new data, as any event arriving after the erasure.
      if (!(await app.pipeline.flush(FLUSH_TIMEOUT_MS))) throw new ErasureNotFlushedError();
      // Refusals still counted in memory are written first: the person's user agents are looked
      // for among the stored refused values.
      await app.refusedValues.flush();
      // Between two rounds of the engagement fold, which would write back the steps of a visit it read before.
      const { keys, ...erased } = await app.engagementFold.between(() => erase(app.clickhouse, request.params.id, options.cluster));
      // Rows ClickHouse refused for their data are kept on disk, not in a table: cleared by the same keys.
      const deleted = { ...erased, quarantined: await app.pipeline.eraseQuarantined(keys) };
      // Nothing kept may still show the person: a refused value that is their user agent, and
      // summaries (live or recent) computed before the erasure.
      await app.refusedValues.forget(keys.refusedAgents, options.cluster);
      app.statsFeed.forget();
      request.log.info({ url, deleted }, 'erased');
      return { id: request.params.id, deleted };
    });
  }
};

export default erasureRoutes;
