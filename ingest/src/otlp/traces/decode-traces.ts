/** Reads an OTLP traces export request, protobuf or JSON, into spans. */
import { OtlpDecodeError } from '../decode-error.js';
import { attributes, field, type IdEncoding, id, integer, limitedList, limitedTotal, list, nanos, scopeOf, text } from '../decode.js';
import { OTLP_LIMITS } from '../limits.js';
import { checkProtobufLimits } from '../protobuf-limits.js';
import { readTraceRequest } from './protobuf-traces.js';
import type { ResourceSpansData, SpanData } from './span-data.js';

/**
 * Reads a traces request; throws OtlpDecodeError for a body that breaks the protocol and
 * OtlpLimitError for one over OTLP_LIMITS (a protobuf body is checked before it is decoded; a
 * JSON one, checked on its text before it was parsed, again as each list is reached).
 */
export function decodeTraces(body: Buffer | unknown, encoding: 'protobuf' | 'json'): ResourceSpansData[] {
  if (encoding === 'protobuf') {
    checkProtobufLimits(body as Buffer, 'traces');
    return readTraceRequest(body as Buffer);
  }
  const object = body;
  const ids: IdEncoding = 'hex';
  const spans = limitedTotal(OTLP_LIMITS.spansPerRequest, 'spans in one request');
  return list(field(object, 'resourceSpans')).map((resourceSpans) => ({
    resource: attributes(field(field(resourceSpans, 'resource'), 'attributes')),
    scopes: list(field(resourceSpans, 'scopeSpans')).map((scopeSpans) => ({
      scope: scopeOf(field(scopeSpans, 'scope')),
      spans: spans(list(field(scopeSpans, 'spans'))).map((span) => spanOf(span, ids)),
    })),
  }));
}

function spanOf(span: unknown, ids: IdEncoding): SpanData {
  const status = field(span, 'status');
  const traceId = id(field(span, 'traceId'), ids, 16);
  const spanId = id(field(span, 'spanId'), ids, 8);
  if (!traceId || !spanId) throw new OtlpDecodeError('a span has no trace id or span id');
  return {
    traceId,
    spanId,
    parentSpanId: id(field(span, 'parentSpanId'), ids, 8),
    traceState: text(field(span, 'traceState')),
    name: text(field(span, 'name')),
    kind: integer(field(span, 'kind')),
    startNs: nanos(field(span, 'startTimeUnixNano')),
    endNs: nanos(field(span, 'endTimeUnixNano')),
    attributes: attributes(field(span, 'attributes')),
    // Read by functions of their own, not closures made per span: under the TypeScript loader
    // every closure made is also named at run time, and most spans have neither events nor links.
    events: spanEventsOf(field(span, 'events')),
    links: spanLinksOf(field(span, 'links'), ids),
    statusCode: integer(field(status, 'code')),
    statusMessage: text(field(status, 'message')),
  };
}

function spanEventsOf(value: unknown): SpanData['events'] {
  return limitedList(value, OTLP_LIMITS.eventsPerSpan, 'events of one span').map(spanEventOf);
}

function spanLinksOf(value: unknown, ids: IdEncoding): SpanData['links'] {
  const links = limitedList(value, OTLP_LIMITS.linksPerSpan, 'links of one span');
  return links.length === 0 ? [] : links.map((link) => spanLinkOf(link, ids));
}

function spanEventOf(event: unknown): SpanData['events'][number] {
  return {
    timeNs: nanos(field(event, 'timeUnixNano')),
    name: text(field(event, 'name')),
    attributes: attributes(field(event, 'attributes')),
  };
}

function spanLinkOf(link: unknown, ids: IdEncoding): SpanData['links'][number] {
  return {
    traceId: id(field(link, 'traceId'), ids, 16),
    spanId: id(field(link, 'spanId'), ids, 8),
    traceState: text(field(link, 'traceState')),
    attributes: attributes(field(link, 'attributes')),
  };
}
