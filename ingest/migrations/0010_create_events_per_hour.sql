-- Hourly rollup of everything /api/stats counts, so a range of days reads rows per hour instead
-- of raw events. One row per site, hour and value of a dimension:
--   dimension  value          value2       value3        rows from
--   type       type           object_id    ''            every event
--   page       path           ''           ''            page views
--   flow       nav_from       path         ''            page views
--   source     referrer_host  ''           ''            page views
--   campaign   utm_source     utm_medium   utm_campaign  page views
--   country    country        ''           ''            page views
--   device, browser, os: the one value                   page views
-- `visitors` and `visits` are uniq states of the 64-bit keys (migration 0008), the same states a
-- query builds from raw events, so rollup rows and raw rows merge into one distinct count.
-- `visits` is kept on `type` rows only (the headline visits count).
CREATE TABLE IF NOT EXISTS events_per_hour
(
    site      LowCardinality(String),
    hour      DateTime('UTC'),
    dimension LowCardinality(String),
    value     String,
    value2    String,
    value3    String,
    events    SimpleAggregateFunction(sum, UInt64),
    visitors  AggregateFunction(uniq, UInt64),
    visits    AggregateFunction(uniq, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (site, dimension, hour, value, value2, value3)
TTL hour + INTERVAL 400 DAY
-- A re-sent batch is deduplicated here too (with deduplicate_blocks_in_dependent_materialized_views).
SETTINGS non_replicated_deduplication_window = 10000
