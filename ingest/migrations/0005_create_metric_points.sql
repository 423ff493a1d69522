-- Metric data points from browsers (counters, web-vital histograms), one row per point.
-- point_id hashes what identifies a point (stream and time), so a re-sent request is stored once.
CREATE TABLE IF NOT EXISTS metric_points
(
    point_id        String CODEC(ZSTD(1)),
    site            LowCardinality(String),
    service_name    LowCardinality(String),
    name            LowCardinality(String),
    kind            LowCardinality(String),
    ts              DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    attributes      Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    path            String CODEC(ZSTD(1)),
    value           Float64,
    count           UInt64,
    sum             Float64,
    bucket_counts   Array(UInt64),
    explicit_bounds Array(Float64)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (site, name, ts)
TTL toDateTime(ts) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000
