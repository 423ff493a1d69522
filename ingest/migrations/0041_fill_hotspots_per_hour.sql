-- Clicks stored before the hotspot rollup existed (the OpenTelemetry mapping's ui_click), rolled up
-- once with the same SELECT as the view of migration 0042; the guard makes a re-run a no-op.
INSERT INTO hotspots_per_hour
WITH toUInt8OrNull(props['x']) AS px, toUInt8OrNull(props['y']) AS py,
     toUInt8(px IS NOT NULL AND py IS NOT NULL AND px <= 100 AND py <= 100) AS has_place
SELECT site, toStartOfHour(ts) AS hour, path, props['viewport'] AS viewport,
       item.1 AS kind, item.2 AS selector, item.3 AS tag, item.4 AS x, item.5 AS y,
       count() AS clicks, sum(item.6) AS placed, sum(item.6 * item.7) AS sum_x, sum(item.6 * item.8) AS sum_y
FROM events
-- An element row for every click (its place counted when it has one), a cell row for a click with a place.
ARRAY JOIN arrayConcat(
    [('element', props['selector'], props['tag'], toUInt8(0), toUInt8(0), has_place, ifNull(px, 0), ifNull(py, 0))],
    if(has_place = 1, [('cell', '', '', ifNull(px, 0), ifNull(py, 0), toUInt8(1), ifNull(px, 0), ifNull(py, 0))], [])) AS item
WHERE type = 'ui_click' AND (SELECT count() FROM hotspots_per_hour) = 0
GROUP BY site, hour, path, viewport, kind, selector, tag, x, y
SETTINGS insert_deduplicate = 0
