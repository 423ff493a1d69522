/**
 * `POST /api/keys`, `GET /api/keys`, `DELETE /api/keys/:id`: API keys and shared links, made,
 * listed and revoked by an admin of every site (the index's hook sees to that). A secret is
 * answered once, when its key is made, and kept nowhere.
 */
import type { FastifyPluginAsync } from 'fastify';
import { KEY_KINDS, KEY_SCOPES, type KeyKind, type KeyScope } from '../../auth/api-keys.js';
import { BadKeyError, KeysDisabledError, UnknownKeyError } from '../../errors.js';
import { siteProperty } from './schemas.js';
import { siteOf } from './site.js';

const keyBody = {
  type: 'object',
  required: ['scope'],
  additionalProperties: false,
  // Fastify's Ajv drops unknown properties rather than refusing them; a name checked here is
  // refused before that (a field the sender thinks counts, such as a chosen secret, must not vanish).
  propertyNames: { enum: ['scope', 'site', 'kind'] },
  properties: {
    scope: { type: 'string', enum: KEY_SCOPES },
    site: siteProperty,
    kind: { type: 'string', enum: KEY_KINDS, default: 'key' },
  },
} as const;

const keyShape = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'scope', 'site', 'kind', 'created', 'last_used'],
  properties: {
    id: { type: 'string' },
    scope: { type: 'string' },
    site: { type: ['string', 'null'] },
    kind: { type: 'string' },
    created: { type: 'string' },
    last_used: { type: ['string', 'null'] },
  },
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

interface KeyBody {
  scope: KeyScope;
  site?: string;
  kind: KeyKind;
}

export interface KeyRouteOptions {
  /** Keys are refused while the read API has no token: without one it is open to this machine anyway. */
  tokenSet: boolean;
}

const keyRoutes: FastifyPluginAsync<KeyRouteOptions> = async (app, options) => {
  app.addHook('onRequest', async () => {
    if (!options.tokenSet) throw new KeysDisabledError();
  });

  app.post<{ Body: KeyBody }>(
    '/api/keys',
    {
      schema: {
        body: keyBody,
        response: {
          201: {
            ...keyShape,
            required: [...keyShape.required, 'secret'],
            properties: { ...keyShape.properties, secret: { type: 'string' }, link: { type: 'string' } },
          },
        },
      },
    },
    async (request, reply) => {
      const { scope, kind } = request.body;
      const site = request.body.site === undefined ? null : siteOf(app, request.body.site).id;
      if (kind === 'share' && (scope !== 'read' || site === null)) {
        throw new BadKeyError('a shared link is read-only and for one site: send {"scope": "read", "site": "...", "kind": "share"}');
      }
      const key = await app.apiKeys.create({ scope, site, kind });
      request.log.info({ id: key.id, scope, site, kind }, 'API key created');
      // The secret rides in the fragment, which browsers never send: no server or proxy log sees it.
      const link = kind === 'share' ? `${request.protocol}://${request.host}/#share=${key.secret}` : undefined;
      return reply.code(201).send(link === undefined ? key : { ...key, link });
    },
  );

  app.get(
    '/api/keys',
    { schema: { response: { 200: { type: 'object', properties: { keys: { type: 'array', items: keyShape } } } } } },
    async () => ({
      keys: await app.apiKeys.list(),
    }),
  );

  app.delete<{ Params: { id: string } }>('/api/keys/:id', { schema: { params: idParams } }, async (request) => {
    if (!(await app.apiKeys.revoke(request.params.id))) throw new UnknownKeyError(JSON.stringify(request.params.id));
    request.log.info({ id: request.params.id }, 'API key revoked');
    return { id: request.params.id, revoked: true };
  });
};

export default keyRoutes;
