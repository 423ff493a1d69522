-- The daily rollup is made from the hourly one from now on (migration 0077): the view of 0072,
-- which split every event into the daily rows a second time, goes. Rows it wrote stay as they are.
DROP VIEW IF EXISTS events_per_day_by_key_mv
