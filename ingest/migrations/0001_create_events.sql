-- One row per analytics event. The sort key starts with what every dashboard filters on
-- (site, then type, then time); monthly partitions make retention a partition drop.
CREATE TABLE IF NOT EXISTS events
(
    site          LowCardinality(String),
    type          LowCardinality(String),
    ts            DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    event_id      String CODEC(ZSTD(1)),
    session_id    String CODEC(ZSTD(1)),
    visitor_id    String CODEC(ZSTD(1)),
    source        LowCardinality(String),
    path          String CODEC(ZSTD(1)),
    referrer_host LowCardinality(String),
    object_id     LowCardinality(String),
    room_id       LowCardinality(String),
    nav_from      String CODEC(ZSTD(1)),
    nav_to        String CODEC(ZSTD(1)),
    duration_ms   UInt32,
    props         Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    device        LowCardinality(String),
    browser       LowCardinality(String),
    os            LowCardinality(String),
    received_at   DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (site, type, ts)
TTL toDateTime(ts) + INTERVAL 400 DAY
-- A batch re-sent after a crash or a timeout carries the same insert_deduplication_token and is stored once.
SETTINGS non_replicated_deduplication_window = 10000
