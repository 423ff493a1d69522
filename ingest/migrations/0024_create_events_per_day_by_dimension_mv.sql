-- The daily rollup's rows (migration 0013) for every insert, with one more dimension:
--   all   ''  ''  ''   every event: the day's distinct visitors and visits (the headline)
-- `type` rows keep counts only; distinct visitors are kept where they are read (`all` and the
-- page-view breakdowns), visits on `all` only.
CREATE MATERIALIZED VIEW IF NOT EXISTS events_per_day_by_dimension_mv TO events_per_day AS
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
       [])) AS item
GROUP BY site, day, dimension, value, value2, value3
