-- The hour, day and week rows of hotspot elements (migration 0055) for every insert into the
-- hourly rollup: chained on hotspots_per_hour rather than on events, so it runs only for batches
-- that hold clicks, on rows the hourly view has already grouped, and never reads the events' props.
CREATE MATERIALIZED VIEW IF NOT EXISTS hotspot_elements_per_span_mv TO hotspot_elements_per_span AS
SELECT site, span_start.1 AS span, span_start.2 AS start, path, selector, tag,
       sum(clicks) AS clicks, sum(placed) AS placed, sum(sum_x) AS sum_x, sum(sum_y) AS sum_y
FROM hotspots_per_hour
ARRAY JOIN [('hour', hour), ('day', toStartOfDay(hour)), ('week', toDateTime(toMonday(hour), 'UTC'))] AS span_start
WHERE kind = 'element'
GROUP BY site, span, start, path, selector, tag
