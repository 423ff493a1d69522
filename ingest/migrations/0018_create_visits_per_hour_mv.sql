CREATE MATERIALIZED VIEW IF NOT EXISTS visits_per_hour_mv TO visits_per_hour AS
SELECT site, toStartOfHour(ts) AS hour, session_key,
       argMinStateIf(path, ts, type = 'page_view') AS entry,
       argMaxStateIf(path, ts, type = 'page_view') AS exit,
       min(ts) AS first_ts, max(ts) AS last_ts,
       countIf(type = 'page_view') AS page_views, countIf(type = 'room_enter') AS room_entries
FROM events
-- Anonymised events have no visit.
WHERE session_key != 0
GROUP BY site, hour, session_key
