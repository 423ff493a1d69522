// The Collector's own counters. The Collector we build (v0.159) exposes them without the
// `_total` suffix (otelcol_exporter_sent_spans); older ones and OpenMetrics scrapes add it. The
// selector matches both, so a Collector upgrade cannot silently empty a panel or an alert.
export const otelcolCounter = (name: string): string => `{__name__=~"otelcol_${name}(_total)?"}`;
