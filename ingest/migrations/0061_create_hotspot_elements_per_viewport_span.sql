-- The hotspots of every page in one viewport class per site, UTC hour, day and week (from Monday):
-- the element rows of hotspots_per_hour (migration 0040) summed over the span, one row set per
-- viewport class ('' for clicks sent with none, such as OpenTelemetry's), no cells. As
-- hotspot_elements_per_span (migration 0055) does for every class together: read by /api/hotspots
-- when a viewport class is asked for without a page (ingest/src/hotspots/hotspot-sources.ts),
-- whole weeks, then the days and the hours left over. The hourly rollup is ordered by page first,
-- so a read of one class across every page scanned all of its rows of the period; here each span
-- of one class is one contiguous range of the sort key. Bounded like its source: a page's named
-- selectors are bounded per day and viewport class.
CREATE TABLE IF NOT EXISTS hotspot_elements_per_viewport_span
(
    site     LowCardinality(String),
    viewport LowCardinality(String),
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
ORDER BY (site, viewport, span, start, path, selector, tag)
TTL start + INTERVAL 400 DAY
-- A re-sent batch is deduplicated here too (with deduplicate_blocks_in_dependent_materialized_views).
SETTINGS non_replicated_deduplication_window = 10000
