-- Events stored before the hourly rollup existed, rolled up once (the same SELECT as the view of
-- migration 0012, which does it for every insert after it). Migrations run before the service
-- writes anything, so no row is counted by both; the guard makes a re-run after a crash a no-op.
INSERT INTO events_per_hour
SELECT site, toStartOfHour(ts) AS hour, item.1 AS dimension, item.2 AS value, item.3 AS value2, item.4 AS value3,
       count() AS events,
       uniqStateIf(visitor_key, visitor_key != 0) AS visitors,
       uniqStateIf(session_key, session_key != 0 AND item.1 = 'type') AS visits
FROM events
ARRAY JOIN arrayConcat(
    [('type', toString(type), toString(object_id), '')],
    if(type = 'page_view',
       [('page', path, '', ''), ('flow', nav_from, path, ''), ('source', toString(referrer_host), '', ''),
        ('campaign', toString(utm_source), toString(utm_medium), toString(utm_campaign)), ('country', toString(country), '', ''),
        ('device', toString(device), '', ''), ('browser', toString(browser), '', ''), ('os', toString(os), '', '')],
       [])) AS item
WHERE (SELECT count() FROM events_per_hour) = 0
GROUP BY site, hour, dimension, value, value2, value3
SETTINGS insert_deduplicate = 0
