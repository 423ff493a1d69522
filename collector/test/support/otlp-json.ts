// OTLP/JSON trace requests built by hand, so a test knows the exact span ids it sent and which
// requests the Collector accepted. The attribute names are docs/otlp-mapping.md's.
import { randomBytes } from 'node:crypto';

export interface AnalyticsSpan {
  type: string;
  session: string;
  object?: string;
  path?: string;
  /** More span attributes, string-valued. */
  extra?: Record<string, string>;
}

export const randomSpanId = (): string => randomBytes(8).toString('hex');
const randomTraceId = (): string => randomBytes(16).toString('hex');

const stringAttribute = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One ExportTraceServiceRequest; returns it with the span ids it holds. */
export function tracesRequest(spans: AnalyticsSpan[], site = 'portfolio'): { body: string; spanIds: string[] } {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const spanIds: string[] = [];
  const otlpSpans = spans.map((span) => {
    const spanId = randomSpanId();
    spanIds.push(spanId);
    const attributes = [
      stringAttribute('portfolio.event.type', span.type),
      stringAttribute('session.id', span.session),
      stringAttribute('url.path', span.path ?? '/'),
      ...(span.object ? [stringAttribute('portfolio.object.id', span.object)] : []),
      ...Object.entries(span.extra ?? {}).map(([key, value]) => stringAttribute(key, value)),
    ];
    return {
      traceId: randomTraceId(),
      spanId,
      name: span.type,
      kind: 1,
      startTimeUnixNano: String(nowNs),
      endTimeUnixNano: String(nowNs + 1_000_000n),
      attributes,
    };
  });
  const body = {
    resourceSpans: [
      {
        resource: {
          attributes: [stringAttribute('service.name', 'footfall-collector-test'), stringAttribute('portfolio.site', site)],
        },
        scopeSpans: [{ scope: { name: 'footfall-collector-test' }, spans: otlpSpans }],
      },
    ],
  };
  return { body: JSON.stringify(body), spanIds };
}

/** Posts a request to an OTLP/HTTP endpoint; true when it was accepted (2xx). */
export async function postTraces(baseUrl: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(10_000),
  });
}
