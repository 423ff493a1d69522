/**
 * Whether a site's OpenTelemetry arrives and counts: the spans stored for it over a period, and the
 * analytics events OTLP gave it. Spans that arrive while no event comes of them are telemetry the
 * site sends that none of our figures reads (docs/otel-existing.md says what counts); the owner's
 * page says so instead of staying silently at zero.
 *
 * A span is the site's by `portfolio.site` (on the span, else on its resource), else by its
 * resource's `portfolio.origin` among the catalog's origins for the site: the page's origin, which
 * the Collector and the service (accept/page-origin.ts) store from the request's Origin header.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteEntry } from '../catalog/catalog.js';
import { count, rows } from './run-query.js';

export interface OtlpReceived {
  /** Spans stored for the site in the period. */
  spans: number;
  /** Events of the period that came over OTLP (spans and log records). */
  analytic_events: number;
}

const SPANS_SQL = `
  WITH if(SpanAttributes['portfolio.site'] != '', SpanAttributes['portfolio.site'], ResourceAttributes['portfolio.site']) AS named
  SELECT count() AS n FROM otel_traces
  WHERE Timestamp >= toDateTime64({from:UInt32}, 9) AND Timestamp < toDateTime64({to:UInt32}, 9)
    AND (named = {site:String} OR (named = '' AND ResourceAttributes['portfolio.origin'] IN {origins:Array(String)}))`;

const EVENTS_SQL = `
  SELECT count() AS n FROM events
  WHERE site = {site:String} AND source = 'otlp' AND ts >= toDateTime64({from:UInt32}, 3) AND ts < toDateTime64({to:UInt32}, 3)`;

/** The site's spans and OTLP events over `[from, to)`, epoch seconds. */
export async function readOtlpReceived(client: ClickHouseClient, site: SiteEntry, from: number, to: number): Promise<OtlpReceived> {
  const params = { site: site.id, origins: [...site.origins], from, to };
  const [[spans], [events]] = await Promise.all([
    rows<{ n: string }>(client, SPANS_SQL, params),
    rows<{ n: string }>(client, EVENTS_SQL, params),
  ]);
  return { spans: count(spans?.n), analytic_events: count(events?.n) };
}
