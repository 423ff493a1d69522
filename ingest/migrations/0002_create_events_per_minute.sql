-- Per-minute rollup for the dashboards' time series, so they never scan raw events.
CREATE TABLE IF NOT EXISTS events_per_minute
(
    site      LowCardinality(String),
    type      LowCardinality(String),
    minute    DateTime('UTC'),
    path      String,
    object_id LowCardinality(String),
    events    SimpleAggregateFunction(sum, UInt64),
    visitors  AggregateFunction(uniq, String),
    sessions  AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (site, type, minute, path, object_id)
TTL minute + INTERVAL 400 DAY
-- Without its own window a re-sent batch would be deduplicated in events but counted twice here.
SETTINGS non_replicated_deduplication_window = 10000
