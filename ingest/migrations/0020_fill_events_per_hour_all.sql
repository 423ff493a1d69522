-- The `all` row of every hour already stored: its events, distinct visitors and visits. Run while
-- no view feeds the table (0019 dropped the old one, 0021 creates the new one), guarded like 0011.
INSERT INTO events_per_hour
SELECT site, toStartOfHour(ts) AS hour, 'all' AS dimension, '' AS value, '' AS value2, '' AS value3,
       count() AS events,
       uniqStateIf(visitor_key, visitor_key != 0) AS visitors,
       uniqStateIf(session_key, session_key != 0) AS visits
FROM events
WHERE (SELECT count() FROM events_per_hour WHERE dimension = 'all') = 0
GROUP BY site, hour
SETTINGS insert_deduplicate = 0
