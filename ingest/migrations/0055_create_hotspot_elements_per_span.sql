-- The overview's hotspots (every page, every viewport class) per site and UTC hour, day and week
-- (from Monday): the element rows of hotspots_per_hour (migration 0040) summed over the span and
-- over the viewport classes, no cells. `span` is 'hour', 'day' or 'week', `start` its first
-- second. Read by /api/hotspots when neither a page nor a viewport class is asked for
-- (ingest/src/hotspots/hotspot-sources.ts): whole weeks from week rows, the whole days left over
-- from day rows, the whole hours left from hour rows, so a month is a few thousand rows a page
-- instead of its 720 hours. The hourly rollup is ordered for one page's heatmap: a read of every
-- page scanned all of its rows, the cells among them; here each span is one contiguous range of
-- the sort key. Bounded like its source: a page's named selectors are bounded per day.
CREATE TABLE IF NOT EXISTS hotspot_elements_per_span
(
    site     LowCardinality(String),
    span     LowCardinality(String),
    start    DateTime('UTC'),
    path     String CODEC(ZSTD(1)),
    selector String CODEC(ZSTD(1)),
    tag      LowCardinality(String),
    clicks   UInt64,
    placed   UInt64,
    sum_x    UInt64,
    sum_y    UInt64
)
ENGINE = SummingMergeTree((clicks, placed, sum_x, sum_y))
PARTITION BY toYYYYMM(start)
ORDER BY (site, span, start, path, selector, tag)
TTL start + INTERVAL 400 DAY
-- A re-sent batch is deduplicated here too (with deduplicate_blocks_in_dependent_materialized_views).
SETTINGS non_replicated_deduplication_window = 10000
