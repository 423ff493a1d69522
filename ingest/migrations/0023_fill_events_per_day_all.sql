-- The `all` row of every day already stored: its events, distinct visitors and visits. Run while
-- no view feeds the table (0022 dropped the old one, 0024 creates the new one), guarded like 0014.
INSERT INTO events_per_day
SELECT site, toStartOfDay(ts) AS day, 'all' AS dimension, '' AS value, '' AS value2, '' AS value3,
       count() AS events,
       uniqStateIf(visitor_key, visitor_key != 0) AS visitors,
       uniqStateIf(session_key, session_key != 0) AS visits
FROM events
WHERE (SELECT count() FROM events_per_day WHERE dimension = 'all') = 0
GROUP BY site, day
SETTINGS insert_deduplicate = 0
