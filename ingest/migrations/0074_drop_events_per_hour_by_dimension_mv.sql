-- The hourly view of migration 0021 is replaced by that of 0076, which also writes the `action` and
-- `prop` rows that only the daily rollup held (0072), so that the daily rollup can be made from
-- the hourly one. Rows it wrote stay as they are.
DROP VIEW IF EXISTS events_per_hour_by_dimension_mv
