/** A span as OTLP carries it (traces/v1), read from either encoding. */
import type { Attributes, Scope } from '../decode.js';

export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Attributes;
  events: Array<{ timeNs: bigint; name: string; attributes: Attributes }>;
  links: Array<{ traceId: string; spanId: string; traceState: string; attributes: Attributes }>;
  statusCode: number;
  statusMessage: string;
}

export interface ResourceSpansData {
  resource: Attributes;
  scopes: Array<{ scope: Scope; spans: SpanData[] }>;
}
