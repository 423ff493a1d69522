// OTLP/JSON requests whose resource, span and data-point attributes a test chooses, and readers
// for what the Collector forwarded of them: what the privacy processor must remove can be put in
// every place it may come from.
import { randomBytes } from 'node:crypto';
import type { RecordedRequest } from './recording-otlp-server.js';

export type AttributeMap = Record<string, string>;

const toOtlp = (attributes: AttributeMap) => Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } }));

/** The string attributes of an OTLP/JSON attribute list, as a plain object. */
export const fromOtlp = (attributes: Array<{ key: string; value: { stringValue?: string } }> | undefined): AttributeMap =>
  Object.fromEntries((attributes ?? []).map((attribute) => [attribute.key, attribute.value.stringValue ?? '']));

/** One span under a resource, both with the given attributes; returns the body and the span id. */
export function spanRequest(resource: AttributeMap, span: AttributeMap): { body: string; spanId: string } {
  const spanId = randomBytes(8).toString('hex');
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const body = {
    resourceSpans: [
      {
        resource: { attributes: toOtlp(resource) },
        scopeSpans: [
          {
            scope: { name: 'footfall-privacy-test' },
            spans: [
              {
                traceId: randomBytes(16).toString('hex'),
                spanId,
                name: 'portfolio.page_view',
                kind: 1,
                startTimeUnixNano: String(nowNs),
                endTimeUnixNano: String(nowNs + 1_000_000n),
                attributes: toOtlp(span),
              },
            ],
          },
        ],
      },
    ],
  };
  return { body: JSON.stringify(body), spanId };
}

/**
 * A delta sum and a histogram (as the browser tier's counter and web vitals), each with one data
 * point carrying `point` and a marker attribute naming the metric, under a resource with `resource`.
 */
export function metricRequest(resource: AttributeMap, point: AttributeMap, metricPrefix: string): string {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const times = { startTimeUnixNano: String(nowNs - 1_000_000_000n), timeUnixNano: String(nowNs) };
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: toOtlp(resource) },
        scopeMetrics: [
          {
            scope: { name: 'footfall-privacy-test' },
            metrics: [
              {
                name: `${metricPrefix}.events`,
                sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ ...times, asInt: '1', attributes: toOtlp(point) }] },
              },
              {
                name: `${metricPrefix}.lcp`,
                unit: 'ms',
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    { ...times, count: '1', sum: 1200, bucketCounts: ['0', '1'], explicitBounds: [1000], attributes: toOtlp(point) },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

interface ForwardedMetric {
  name: string;
  sum?: { dataPoints: Array<{ attributes?: Array<{ key: string; value: { stringValue?: string } }> }> };
  histogram?: { dataPoints: Array<{ attributes?: Array<{ key: string; value: { stringValue?: string } }> }> };
}
interface MetricsBody {
  resourceMetrics: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeMetrics: Array<{ metrics: ForwardedMetric[] }>;
  }>;
}
interface TracesBody {
  resourceSpans: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: Array<{ spanId: string; attributes?: Array<{ key: string; value: { stringValue?: string } }> }> }>;
  }>;
}

/** Every forwarded data point of the metrics named `name`, with its resource's attributes. */
export function forwardedPoints(requests: RecordedRequest[], name: string): Array<{ resource: AttributeMap; point: AttributeMap }> {
  const found: Array<{ resource: AttributeMap; point: AttributeMap }> = [];
  for (const request of requests.filter((r) => r.path === '/v1/metrics')) {
    for (const resourceMetrics of (request.body as MetricsBody).resourceMetrics) {
      const resource = fromOtlp(resourceMetrics.resource?.attributes);
      for (const metric of resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics)) {
        if (metric.name !== name) continue;
        for (const point of (metric.sum ?? metric.histogram)?.dataPoints ?? []) found.push({ resource, point: fromOtlp(point.attributes) });
      }
    }
  }
  return found;
}

/** The forwarded span with this id and its resource's attributes, if it was forwarded. */
export function forwardedSpan(requests: RecordedRequest[], spanId: string): { resource: AttributeMap; span: AttributeMap } | undefined {
  for (const request of requests.filter((r) => r.path === '/v1/traces')) {
    for (const resourceSpans of (request.body as TracesBody).resourceSpans) {
      for (const span of resourceSpans.scopeSpans.flatMap((scope) => scope.spans)) {
        if (span.spanId === spanId) return { resource: fromOtlp(resourceSpans.resource?.attributes), span: fromOtlp(span.attributes) };
      }
    }
  }
  return undefined;
}

/** An OTLP/JSON log body: text, or a key-value list of text values. */
export type LogBody = string | AttributeMap;

const bodyToOtlp = (body: LogBody) => (typeof body === 'string' ? { stringValue: body } : { kvlistValue: { values: toOtlp(body) } });

/**
 * Log records under one resource and scope, each with its attributes and body and a marker
 * attribute `test.record` naming it, so what was forwarded of each can be found.
 */
export function logRequest(
  resource: AttributeMap,
  scope: AttributeMap,
  records: Array<{ name: string; attributes: AttributeMap; body: LogBody }>,
): string {
  const nowNs = String(BigInt(Date.now()) * 1_000_000n);
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: toOtlp(resource) },
        scopeLogs: [
          {
            scope: { name: 'footfall-privacy-test', attributes: toOtlp(scope) },
            logRecords: records.map(({ name, attributes, body }) => ({
              timeUnixNano: nowNs,
              severityText: 'INFO',
              attributes: toOtlp({ ...attributes, 'test.record': name }),
              body: bodyToOtlp(body),
            })),
          },
        ],
      },
    ],
  });
}

interface ForwardedBody {
  stringValue?: string;
  kvlistValue?: { values?: Array<{ key: string; value: { stringValue?: string } }> };
}
interface LogsBody {
  resourceLogs: Array<{
    scopeLogs: Array<{
      scope?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
      logRecords: Array<{ attributes?: Array<{ key: string; value: { stringValue?: string } }>; body?: ForwardedBody }>;
    }>;
  }>;
}

/** The forwarded log record marked `name`: its scope's and its own attributes, and its body. */
export function forwardedLogRecord(
  requests: RecordedRequest[],
  name: string,
): { scope: AttributeMap; attributes: AttributeMap; body: LogBody | undefined } | undefined {
  for (const request of requests.filter((r) => r.path === '/v1/logs')) {
    for (const scopeLogs of (request.body as LogsBody).resourceLogs.flatMap((resourceLogs) => resourceLogs.scopeLogs)) {
      for (const record of scopeLogs.logRecords) {
        const attributes = fromOtlp(record.attributes);
        if (attributes['test.record'] !== name) continue;
        const body = record.body?.kvlistValue ? fromOtlp(record.body.kvlistValue.values) : record.body?.stringValue;
        return { scope: fromOtlp(scopeLogs.scope?.attributes), attributes, body };
      }
    }
  }
  return undefined;
}
