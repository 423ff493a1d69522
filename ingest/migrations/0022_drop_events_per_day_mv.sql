-- The daily view of migration 0015 kept distinct visitors and visits on each type's row, so a
-- range's headline merged ten states per day where one would do (slower than a raw scan on a
-- busy day). It is replaced by the view of migration 0024, which keeps them on one `all` row per
-- day; rows it wrote stay valid (their counts are read, their states no longer are).
DROP VIEW IF EXISTS events_per_day_mv
