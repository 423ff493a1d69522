/** `app.apiKeys`: the keys and shared links, read from ClickHouse at start. */
import fp from 'fastify-plugin';
import { ApiKeys } from '../auth/api-keys.js';

declare module 'fastify' {
  interface FastifyInstance {
    apiKeys: ApiKeys;
  }
}

export const apiKeysPlugin = fp(
  async (app) => {
    const keys = new ApiKeys(app.clickhouse);
    // ClickHouse may be away at start (a server, not the embedded engine): the keys are read at
    // their first use then, and the owner's token works meanwhile.
    await keys
      .load()
      .catch((error: unknown) => app.log.warn({ err: error }, 'could not read the API keys; trying again at their first use'));
    app.decorate('apiKeys', keys);
  },
  { name: 'footfall-api-keys', dependencies: ['footfall-clickhouse'] },
);
