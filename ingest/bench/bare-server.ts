import Fastify from 'fastify';

// The baseline: fastify routes that take the same bodies as POST /v1/beacon (text/plain JSON, the
// same envelope schema, the same size limit) and POST /v1/traces (protobuf read whole into a
// buffer) and do no work. The service's figures are printed as ratios of these, measured in the
// same run on the same machine.

const MAX_BEACON_BYTES = 64 * 1024;
const MAX_OTLP_BYTES = 4 * 1024 * 1024;

// The envelope schema of routes/beacon/index.ts (not exported there), copied so both routes validate the same.
const bodySchema = {
  type: 'object',
  properties: {
    site: { type: 'string', maxLength: 64 },
    events: { type: 'array', minItems: 1, maxItems: 100 },
  },
} as const;

const app = Fastify({ logger: false });
app.removeContentTypeParser('text/plain');
app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, text, done) => {
  try {
    done(null, JSON.parse(text as string));
  } catch (error) {
    done(error as Error, undefined);
  }
});
app.addContentTypeParser('application/x-protobuf', { parseAs: 'buffer', bodyLimit: MAX_OTLP_BYTES }, (_request, body, done) =>
  done(null, body),
);
app.post<{ Body: { events?: unknown[] } }>(
  '/v1/beacon',
  { bodyLimit: MAX_BEACON_BYTES, schema: { body: bodySchema } },
  async (request, reply) => reply.code(202).send({ accepted: request.body.events?.length ?? 1, duplicates: 0, refused: [] }),
);
app.post('/v1/traces', async (_request, reply) => reply.code(200).type('application/x-protobuf').send(Buffer.alloc(0)));

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
