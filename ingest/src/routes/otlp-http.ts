// The HTTP side of OTLP, shared by /v1/traces, /v1/metrics and /v1/logs: bodies in protobuf or
// JSON, plain or gzip (decompressed with a bound on the output, so a small bomb cannot take the
// memory), decoding errors as 400 with a code, and the export response in the request's encoding.
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { BadOtlpError, BodyTooLargeError, OtlpLimitExceededError, UnsupportedEncodingError } from '../errors.js';
import { OtlpDecodeError } from '../otlp/decode-error.js';
import { checkJsonLimits } from '../otlp/json-limits.js';
import { OtlpLimitError } from '../otlp/limits.js';

export const MAX_OTLP_BYTES = 4 * 1024 * 1024;
export const MAX_OTLP_DECOMPRESSED_BYTES = 16 * 1024 * 1024;
const PROTOBUF = 'application/x-protobuf';

export type Encoding = 'protobuf' | 'json';

/** A protobufjs message type of an export response (traces, metrics or logs). */
interface ResponseType {
  fromObject(object: Record<string, unknown>): unknown;
  encode(message: never): { finish(): Uint8Array };
}

/** The request each OTLP route takes, for the limits on its JSON. */
const REQUEST_OF_ROUTE: Record<string, 'traces' | 'metrics' | 'logs'> = {
  '/v1/traces': 'traces',
  '/v1/metrics': 'metrics',
  '/v1/logs': 'logs',
};

/**
 * Protobuf bodies stay buffers for the decoder; JSON is checked against the limits on its text,
 * then parsed without prototype pollution.
 */
export function acceptOtlpBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', PROTOBUF], { parseAs: 'buffer' }, (request, raw, done) => {
    try {
      const body = decompress(request, raw as Buffer);
      if (encodingOf(request) === 'protobuf') return done(null, body);
      // Over a limit, refused before the parser builds an object for every value of it.
      const otlpRequest = REQUEST_OF_ROUTE[request.routeOptions.url ?? ''];
      if (otlpRequest) checkJsonLimits(body, otlpRequest);
      done(null, secureJson.parse(body));
    } catch (error) {
      done(otlpBodyError(error), undefined);
    }
  });
}

/** What the parser or the limits found wrong with a body, as the client's 400. */
function otlpBodyError(error: unknown): Error {
  if (error instanceof SyntaxError) return new BadOtlpError(`invalid JSON: ${error.message}`);
  if (error instanceof OtlpLimitError) return new OtlpLimitExceededError(error.message);
  return error as Error;
}

export function encodingOf(request: FastifyRequest): Encoding {
  return request.headers['content-type']?.startsWith(PROTOBUF) ? 'protobuf' : 'json';
}

/** Runs a decoder; what the body gets wrong, or a limit it passes, is the client's 400. */
export function decodeOr400<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw new BadOtlpError(error.message);
    if (error instanceof OtlpLimitError) throw new OtlpLimitExceededError(error.message);
    throw error;
  }
}

/** The export response in the request's encoding, with `partial_success` when something was refused. */
export function answerOtlp(
  reply: FastifyReply,
  encoding: Encoding,
  type: ResponseType,
  partialSuccess: Record<string, unknown> | undefined,
) {
  const message = partialSuccess ? { partialSuccess } : {};
  if (encoding === 'json') return reply.code(200).send(message);
  return reply
    .code(200)
    .type(PROTOBUF)
    .send(Buffer.from(type.encode(type.fromObject(message) as never).finish()));
}

function decompress(request: FastifyRequest, raw: Buffer): Buffer {
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined || encoding === 'identity') return raw;
  if (encoding !== 'gzip') throw new UnsupportedEncodingError(encoding);
  try {
    return gunzipSync(raw, { maxOutputLength: MAX_OTLP_DECOMPRESSED_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLargeError(MAX_OTLP_DECOMPRESSED_BYTES);
    throw new BadOtlpError(`invalid gzip: ${(error as Error).message}`);
  }
}
