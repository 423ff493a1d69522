/** Reads an OTLP metrics export request, protobuf or JSON, into metrics and their data points. */
import {
  attributes,
  count,
  double,
  field,
  integer,
  limitedTotal,
  list,
  nanos,
  number,
  type Attributes,
  type Scope,
  scopeOf,
  text,
} from '../decode.js';
import { OTLP_LIMITS } from '../limits.js';
import { checkProtobufLimits } from '../protobuf-limits.js';
import { MetricsRequest, protobufToObject } from '../proto/otlp-proto.js';

export interface DataPoint {
  attributes: Attributes;
  startNs: bigint;
  timeNs: bigint;
  value: number;
  count: number;
  sum: number;
  bucketCounts: number[];
  explicitBounds: number[];
}

export interface MetricData {
  name: string;
  kind: 'sum' | 'gauge' | 'histogram';
  /** 1 delta, 2 cumulative, 0 unspecified (gauges) */
  temporality: number;
  /** A sum that only goes up (a counter): a negative delta cannot be true. */
  monotonic: boolean;
  points: DataPoint[];
}

export interface ResourceMetricsData {
  resource: Attributes;
  scopes: Array<{ scope: Scope; metrics: MetricData[] }>;
}

/** Reads a metrics request; throws as decodeTraces does. */
export function decodeMetrics(body: Buffer | unknown, encoding: 'protobuf' | 'json'): ResourceMetricsData[] {
  if (encoding === 'protobuf') checkProtobufLimits(body as Buffer, 'metrics');
  const object = encoding === 'protobuf' ? protobufToObject(MetricsRequest, body as Buffer) : body;
  const points = limitedTotal(OTLP_LIMITS.dataPointsPerRequest, 'data points in one request');
  return list(field(object, 'resourceMetrics')).map((resourceMetrics) => ({
    resource: attributes(field(field(resourceMetrics, 'resource'), 'attributes')),
    scopes: list(field(resourceMetrics, 'scopeMetrics')).map((scopeMetrics) => ({
      scope: scopeOf(field(scopeMetrics, 'scope')),
      metrics: list(field(scopeMetrics, 'metrics')).flatMap((metric) => metricOf(metric, points)),
    })),
  }));
}

function metricOf(metric: unknown, points: (items: unknown[]) => unknown[]): MetricData[] {
  const name = text(field(metric, 'name'));
  const sum = field(metric, 'sum');
  const gauge = field(metric, 'gauge');
  const histogram = field(metric, 'histogram') ?? field(metric, 'exponentialHistogram');
  const pointsOf = (data: unknown) => points(list(field(data, 'dataPoints')));
  if (sum !== undefined) {
    const temporality = integer(field(sum, 'aggregationTemporality'));
    return [{ name, kind: 'sum', temporality, monotonic: field(sum, 'isMonotonic') === true, points: pointsOf(sum).map(numberPoint) }];
  }
  if (gauge !== undefined) return [{ name, kind: 'gauge', temporality: 0, monotonic: false, points: pointsOf(gauge).map(numberPoint) }];
  if (histogram !== undefined) {
    const temporality = integer(field(histogram, 'aggregationTemporality'));
    return [{ name, kind: 'histogram', temporality, monotonic: false, points: pointsOf(histogram).map(histogramPoint) }];
  }
  return []; // summaries and unknown kinds: nothing a browser sends
}

function numberPoint(point: unknown): DataPoint {
  const asDouble = field(point, 'asDouble');
  const value = asDouble !== undefined ? double(asDouble) : number(field(point, 'asInt') ?? 0);
  return { ...pointTimes(point), value, count: 0, sum: 0, bucketCounts: [], explicitBounds: [] };
}

function histogramPoint(point: unknown): DataPoint {
  return {
    ...pointTimes(point),
    value: 0,
    count: count(field(point, 'count')),
    sum: double(field(point, 'sum') ?? 0),
    bucketCounts: list(field(point, 'bucketCounts')).map(count),
    explicitBounds: list(field(point, 'explicitBounds')).map(double),
  };
}

function pointTimes(point: unknown) {
  return {
    attributes: attributes(field(point, 'attributes')),
    startNs: nanos(field(point, 'startTimeUnixNano')),
    timeNs: nanos(field(point, 'timeUnixNano')),
  };
}
