-- The `action` and `prop` rows (migration 0072) of every day already stored. Run while no view feeds
-- the table (0070 dropped the old one, 0072 creates the new one), guarded like 0020.
INSERT INTO events_per_day
SELECT site, toStartOfDay(ts) AS day, item.1 AS dimension, item.2 AS value, item.3 AS value2, item.4 AS value3,
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
WHERE (SELECT count() FROM events_per_day WHERE dimension IN ('action', 'prop')) = 0
GROUP BY site, day, dimension, value, value2, value3
SETTINGS insert_deduplicate = 0
