import Fastify from 'fastify';

// The baseline: a fastify route that takes the same body as POST /v1/beacon (text/plain JSON,
// the same envelope schema, the same size limit) and does no work. Our beacon throughput is
// printed as a ratio of this one's, measured in the same run on the same machine.

const MAX_BEACON_BYTES = 64 * 1024;

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
app.post('/v1/beacon', { bodyLimit: MAX_BEACON_BYTES, schema: { body: bodySchema } }, async (_request, reply) =>
  reply.code(202).send({ accepted: 1, duplicates: 0, refused: [] }),
);

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
