-- The hourly rollup's rows for every insert: every dimension the daily rollup has (the view of
-- migration 0072, by the hour), so that the days are made from the hours (0077) and each event is
-- split into rows once. `flow` rows keep no visitors: steps between pages are counted by views,
-- and no read merges their visitors (stats/build-sql.ts); their rows written before keep theirs.
CREATE MATERIALIZED VIEW IF NOT EXISTS events_per_hour_by_key_mv TO events_per_hour AS
SELECT site, toStartOfHour(ts) AS hour, item.1 AS dimension, item.2 AS value, item.3 AS value2, item.4 AS value3,
       count() AS events,
       -- Anonymised events (Do Not Track, Global Privacy Control) have key 0 and count as nobody.
       uniqStateIf(visitor_key, visitor_key != 0 AND item.1 NOT IN ('type', 'flow')) AS visitors,
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
GROUP BY site, hour, dimension, value, value2, value3
