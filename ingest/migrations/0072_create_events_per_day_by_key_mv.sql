-- The daily rollup's rows for every insert: those of migration 0024, and two more dimensions, each
-- with its distinct visitors, from which goals and properties are read over the whole days of a
-- long period (stats/goals.ts, stats/props.ts) instead of every raw event:
--   action  type  key  ''     every event but a page view; the key is the object clicked, or the
--                              URL of an outbound link or a download, else ''
--   prop    type  key  value  one per property of the site's own (the tracker's reserved keys,
--                              RESERVED_PROP_KEYS of the contract, are left out: figures of
--                              their own, or of a value per click)
CREATE MATERIALIZED VIEW IF NOT EXISTS events_per_day_by_key_mv TO events_per_day AS
SELECT site, toStartOfDay(ts) AS day, item.1 AS dimension, item.2 AS value, item.3 AS value2, item.4 AS value3,
       count() AS events,
       -- Anonymised events (Do Not Track, Global Privacy Control) have key 0 and count as nobody.
       uniqStateIf(visitor_key, visitor_key != 0 AND item.1 != 'type') AS visitors,
       uniqStateIf(session_key, session_key != 0 AND item.1 = 'all') AS visits
FROM events
ARRAY JOIN arrayConcat(
    [('all', '', '', ''), ('type', toString(type), toString(object_id), '')],
    if(type = 'page_view',
       [('page', path, '', ''), ('flow', nav_from, path, ''), ('source', toString(referrer_host), '', ''),
        ('campaign', toString(utm_source), toString(utm_medium), toString(utm_campaign)), ('country', toString(country), '', ''),
        ('device', toString(device), '', ''), ('browser', toString(browser), '', ''), ('os', toString(os), '', '')],
       []),
    if(type != 'page_view',
       [('action', toString(type), multiIf(type = 'object_click', toString(object_id), type IN ('outbound', 'download'), nav_to, ''), '')],
       []),
    arrayMap((key, value) -> ('prop', toString(type), toString(key), value),
             mapKeys(mapFilter((key, value) -> key NOT IN ('scroll_depth', 'selector', 'tag', 'x', 'y', 'viewport'), props)),
             mapValues(mapFilter((key, value) -> key NOT IN ('scroll_depth', 'selector', 'tag', 'x', 'y', 'viewport'), props)))) AS item
GROUP BY site, day, dimension, value, value2, value3
