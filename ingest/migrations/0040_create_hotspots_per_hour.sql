-- Hotspots (`ui_click` events, any element) per site, hour, page and viewport class, two kinds of
-- row: `element` (selector and tag; the clicks, and how many carried a place with the sum of their
-- places for the mean) and `cell` (a 1 % cell of the document, x and y 0 to 100: its clicks).
-- Bounded per page and hour: the selectors are bounded per page and day at accept time
-- (ingest/src/hotspots/selector-bound.ts: 100 names and "other elements"), the cells by the grid
-- (101 × 101). Read by /api/hotspots for whole hours, the period's partial hours from raw events.
CREATE TABLE IF NOT EXISTS hotspots_per_hour
(
    site      LowCardinality(String),
    hour      DateTime('UTC'),
    path      String CODEC(ZSTD(1)),
    viewport  LowCardinality(String),
    kind      LowCardinality(String),
    selector  String CODEC(ZSTD(1)),
    tag       LowCardinality(String),
    x         UInt8,
    y         UInt8,
    clicks    UInt64,
    placed    UInt64,
    sum_x     UInt64,
    sum_y     UInt64
)
ENGINE = SummingMergeTree((clicks, placed, sum_x, sum_y))
PARTITION BY toYYYYMM(hour)
ORDER BY (site, path, viewport, kind, hour, selector, tag, x, y)
TTL hour + INTERVAL 400 DAY
-- A re-sent batch is deduplicated here too (with deduplicate_blocks_in_dependent_materialized_views).
SETTINGS non_replicated_deduplication_window = 10000
