-- Visits stored before the per-visit rollup existed, rolled up once (the SELECT of the view of
-- migration 0018); guarded like 0011.
INSERT INTO visits_per_hour
SELECT site, toStartOfHour(ts) AS hour, session_key,
       argMinStateIf(path, ts, type = 'page_view') AS entry,
       argMaxStateIf(path, ts, type = 'page_view') AS exit,
       min(ts) AS first_ts, max(ts) AS last_ts,
       countIf(type = 'page_view') AS page_views, countIf(type = 'room_enter') AS room_entries
FROM events
WHERE session_key != 0 AND (SELECT count() FROM visits_per_hour) = 0
GROUP BY site, hour, session_key
SETTINGS insert_deduplicate = 0
