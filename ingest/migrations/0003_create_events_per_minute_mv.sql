CREATE MATERIALIZED VIEW IF NOT EXISTS events_per_minute_mv TO events_per_minute AS
SELECT
    site,
    type,
    toStartOfMinute(ts) AS minute,
    path,
    object_id,
    count() AS events,
    -- Anonymised events (Do Not Track, Global Privacy Control) have no ids and count as nobody.
    uniqStateIf(visitor_id, visitor_id != '') AS visitors,
    uniqStateIf(session_id, session_id != '') AS sessions
FROM events
GROUP BY site, type, minute, path, object_id
