-- Per-visit rollup: one row per site, hour and visit (session key, migration 0008) with what the
-- visit did in that hour: its first and last page view (entry and exit), its first and last event,
-- how many page views and room entries. Merging a visit's rows over the hours of a range gives
-- exactly what grouping its raw events would (entry and exit pages, bounces, duration), on one
-- row per visit and hour instead of one per event. It holds a key per visit, so it is kept as
-- long as raw events and erased with them.
CREATE TABLE IF NOT EXISTS visits_per_hour
(
    site         LowCardinality(String),
    hour         DateTime('UTC'),
    session_key  UInt64,
    entry        AggregateFunction(argMin, String, DateTime64(3, 'UTC')),
    exit         AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    first_ts     SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_ts      SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    page_views   SimpleAggregateFunction(sum, UInt64),
    room_entries SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, session_key)
TTL hour + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000
