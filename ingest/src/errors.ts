import createError from '@fastify/error';

/**
 * The service's own errors, each with a stable code a user can search for. Fastify's errors
 * (FST_ERR_CTP_BODY_TOO_LARGE 413, FST_ERR_CTP_INVALID_MEDIA_TYPE 415, FST_ERR_VALIDATION 400, ...)
 * keep their codes.
 */
export const NothingUsableError = createError('FOOTFALL_NOTHING_USABLE', 'no event in the body could be used: %s', 400);
export const BadOtlpError = createError('FOOTFALL_BAD_OTLP', 'the OTLP body cannot be decoded: %s', 400);
export const BadBeaconError = createError('FOOTFALL_BAD_BEACON', 'the beacon body is not usable: %s', 400);
export const OriginNotListedError = createError(
  'FOOTFALL_ORIGIN_NOT_LISTED',
  'the origin %s is listed by no site of the catalog %s: add it to the origins of its site there',
  403,
);
export const SpoolFullError = createError('FOOTFALL_SPOOL_FULL', 'ClickHouse is behind and the spool is full; retry later', 503);
export const LogUnwritableError = createError(
  'FOOTFALL_LOG_UNWRITABLE',
  'the write-ahead log cannot be written (%s); nothing of this request was accepted, retry later',
  503,
);
export const OtlpLimitExceededError = createError(
  'FOOTFALL_OTLP_LIMIT',
  'the OTLP request is over a limit: %s (see docs/limits.md); nothing of it was stored',
  400,
);
export const UnsupportedEncodingError = createError(
  'FOOTFALL_UNSUPPORTED_ENCODING',
  'content-encoding %s is not supported; send gzip or no content-encoding',
  415,
);
export const BodyTooLargeError = createError('FOOTFALL_BODY_TOO_LARGE', 'the body is larger than %s bytes once decompressed', 413);
export const UnauthorizedError = createError('FOOTFALL_UNAUTHORIZED', 'a valid bearer token is required', 401);

// Keys and shared links (/api/keys): a refusal names what the key lacks.
export const KeyReadOnlyError = createError('FOOTFALL_KEY_READ_ONLY', 'this key is read-only; %s needs an admin key', 403);
export const KeyOtherSiteError = createError('FOOTFALL_KEY_OTHER_SITE', 'this key is for site %s only; %s', 403);
export const KeysDisabledError = createError(
  'FOOTFALL_KEYS_DISABLED',
  'keys and shared links need STATS_TOKEN: set it and send Authorization: Bearer <token>',
  403,
);
export const BadKeyError = createError('FOOTFALL_BAD_KEY', 'this key cannot be made: %s', 400);
export const UnknownKeyError = createError('FOOTFALL_UNKNOWN_KEY', 'no key has id %s; `npm run keys -- list` lists them', 404);
export const UnknownSiteError = createError('FOOTFALL_UNKNOWN_SITE', 'the catalog has no site %s', 404);

// The read API (/api/*).
export const BadFunnelStepError = createError('FOOTFALL_BAD_FUNNEL_STEP', 'step %s: %s', 400);
export const UnknownGoalError = createError('FOOTFALL_UNKNOWN_GOAL', 'site %s has no goal %s; %s', 400);
export const ErasureDisabledError = createError(
  'FOOTFALL_ERASURE_DISABLED',
  'erasure needs STATS_TOKEN: set it and send Authorization: Bearer <token>',
  403,
);
export const ErasureNotFlushedError = createError(
  'FOOTFALL_ERASURE_NOT_FLUSHED',
  'rows accepted before this erasure are still waiting for ClickHouse and would land after it; nothing was erased, retry later',
  503,
);
export const TooManyStreamsError = createError('FOOTFALL_TOO_MANY_STREAMS', '%s', 429);
export const ApiRateLimitedError = createError(
  'FOOTFALL_API_RATE_LIMITED',
  'more than %s read API requests in a minute from this address; retry in %s',
  429,
);

// Notes on the timeline (/api/annotations) and the weekly digest (/api/digest).
export const BadAnnotationError = createError('FOOTFALL_BAD_ANNOTATION', 'this note cannot be kept: %s', 400);
export const UnknownAnnotationError = createError('FOOTFALL_UNKNOWN_ANNOTATION', 'no note has id %s', 404);
export const BadWeekError = createError('FOOTFALL_BAD_WEEK', 'no digest for week %s: %s', 400);

export const ClosingError = createError(
  'FOOTFALL_CLOSING',
  'the service is stopping: send again in a few seconds (another replica, or this one once it has restarted, takes it)',
  503,
);

/** Refusals that say "not now", each with the seconds its answer's Retry-After gives. */
export const RETRY_AFTER_SECONDS: ReadonlyMap<string, number> = new Map([
  ['FOOTFALL_SPOOL_FULL', 30],
  ['FOOTFALL_LOG_UNWRITABLE', 30],
  ['FOOTFALL_ERASURE_NOT_FLUSHED', 30],
  // A restart takes seconds; a balancer sends the retry to another replica at once.
  ['FOOTFALL_CLOSING', 5],
]);
