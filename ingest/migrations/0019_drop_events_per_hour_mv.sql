-- The hourly view of migration 0012 kept distinct visitors and visits on each type's row, so a
-- range's headline merged ten states per hour where one would do (slower than a raw scan on a
-- busy day). It is replaced by the view of migration 0021, which keeps them on one `all` row per
-- hour; rows it wrote stay valid (their counts are read, their states no longer are).
DROP VIEW IF EXISTS events_per_hour_mv
