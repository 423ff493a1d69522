-- The daily view of migration 0024 is replaced by that of 0072, which adds the rows that goals and
-- properties are read from over long periods (0072 says which). Rows it wrote stay as they are.
DROP VIEW IF EXISTS events_per_day_by_dimension_mv
