-- The overview's hotspots (every page, every viewport class) per site, UTC day and UTC week (from
-- Monday): the element rows of hotspots_per_hour (migration 0040) summed over the day or the week
-- and over the viewport classes, no cells. `span` is 'day' or 'week', `start` its first day. Read
-- by /api/hotspots when neither a page nor a viewport class is asked for
-- (ingest/src/hotspots/hotspot-sources.ts): whole weeks from the week rows, whole days left over
-- from the day rows. The hourly rollup is ordered for one page's heatmap, so a read of every page
-- scanned all of its rows, the cells among them, hour by hour; here each span is one contiguous
-- range of the sort key, a row per page and element.
-- Bounded like its source: a page's named selectors are bounded per day (selector-bound.ts).
CREATE TABLE IF NOT EXISTS hotspot_elements_per_day_and_week
(
    site     LowCardinality(String),
    span     LowCardinality(String),
    start    Date,
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
