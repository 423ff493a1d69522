-- Hotspots rolled up before the viewport class's span rows existed, summed once from the hourly
-- rollup with the same SELECT as the view of migration 0063; the guard makes a re-run a no-op.
INSERT INTO hotspot_elements_per_viewport_span
SELECT site, viewport, span_start.1 AS span, span_start.2 AS start, path, selector, tag,
       sum(clicks) AS clicks, sum(placed) AS placed, sum(sum_x) AS sum_x, sum(sum_y) AS sum_y
FROM hotspots_per_hour
ARRAY JOIN [('hour', hour), ('day', toStartOfDay(hour)), ('week', toDateTime(toMonday(hour), 'UTC'))] AS span_start
WHERE kind = 'element' AND (SELECT count() FROM hotspot_elements_per_viewport_span) = 0
GROUP BY site, viewport, span, start, path, selector, tag
SETTINGS insert_deduplicate = 0
