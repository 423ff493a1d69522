-- The `action` and `prop` rows (migration 0076) of every hour already stored, as 0071 wrote them for
-- every day. Run while no view feeds the hourly rollup (0074 dropped the old one, 0076 creates the
-- new one) and before the daily rollup is fed from it (0077), so the days keep the rows they have.
-- Guarded like 0071.
INSERT INTO events_per_hour
SELECT site, toStartOfHour(ts) AS hour, item.1 AS dimension, item.2 AS value, item.3 AS value2, item.4 AS value3,
       count() AS events,
       uniqStateIf(visitor_key, visitor_key != 0) AS visitors,
       uniqStateIf(session_key, 0) AS visits
FROM events
ARRAY JOIN arrayConcat(
    if(type != 'page_view',
       [('action', toString(type), multiIf(type = 'object_click', toString(object_id), type IN ('outbound', 'download'), nav_to, ''), '')],
       []),
    arrayMap((key, value) -> ('prop', toString(type), toString(key), value),
             mapKeys(mapFilter((key, value) -> key NOT IN ('scroll_depth', 'selector', 'tag', 'x', 'y', 'viewport'), props)),
             mapValues(mapFilter((key, value) -> key NOT IN ('scroll_depth', 'selector', 'tag', 'x', 'y', 'viewport'), props)))) AS item
WHERE (SELECT count() FROM events_per_hour WHERE dimension IN ('action', 'prop')) = 0
GROUP BY site, hour, dimension, value, value2, value3
SETTINGS insert_deduplicate = 0
