-- The hour, day and week rows of hotspot elements per viewport class (migration 0061) for every
-- insert into the hourly rollup: chained on hotspots_per_hour like the view of migration 0057, so
-- it runs only for batches that hold clicks, on rows the hourly view has already grouped.
CREATE MATERIALIZED VIEW IF NOT EXISTS hotspot_elements_per_viewport_span_mv TO hotspot_elements_per_viewport_span AS
SELECT site, viewport, span_start.1 AS span, span_start.2 AS start, path, selector, tag,
       sum(clicks) AS clicks, sum(placed) AS placed, sum(sum_x) AS sum_x, sum(sum_y) AS sum_y
FROM hotspots_per_hour
ARRAY JOIN [('hour', hour), ('day', toStartOfDay(hour)), ('week', toDateTime(toMonday(hour), 'UTC'))] AS span_start
WHERE kind = 'element'
GROUP BY site, viewport, span, start, path, selector, tag
