/**
 * What one OTLP request may hold (docs/limits.md). Checked before the work: a
 * protobuf body is scanned for them before it is decoded (protobuf-limits.ts), a JSON body's text
 * before it is parsed (json-limits.ts), so a request over a limit is refused (400,
 * FOOTFALL_OTLP_LIMIT) before it costs parsing, decoding, mapping or storing.
 * The per-item limits are the OpenTelemetry SDKs' own defaults, which no SDK-made request exceeds;
 * the per-request limits leave room for the Collector's batches (4096 items).
 */
export const OTLP_LIMITS = {
  /** Attributes of one span, span event, link, log record, resource, scope or data point. */
  attributesPerItem: 128,
  /** Items of one array attribute value, or entries of one key-value-list value. */
  valuesPerAttribute: 128,
  /** Array and key-value-list values nested in each other. */
  nestingDepth: 8,
  eventsPerSpan: 128,
  linksPerSpan: 128,
  spansPerRequest: 10_000,
  dataPointsPerRequest: 10_000,
  logRecordsPerRequest: 10_000,
} as const;

/** A request over one of the limits above; the route answers 400 naming the limit. */
export class OtlpLimitError extends Error {}
