-- The room's engagement path, folded (src/engagement-fold/, read by src/stats/engagement.ts): one
-- row per click of an object in a visit (`click_id`, the click's event id; `ts`, its time;
-- `object`, what was clicked), with the visit's next action, whatever the catalog says: its time
-- and the columns a step and a goal are read from (`type`, `path`, `object_id`, `nav_to`, `props`,
-- named as in `events` so the catalog's goal conditions apply to them at read time, and a goal
-- edited later counts the past). `type` '' is no next action (the visit ended with the click).
-- A visit folded again (an event of it arrived after the watermark) replaces its rows: the newest
-- `folded_at` (the watermark of the fold that wrote it) wins, read with FINAL. Kept as long as
-- the raw events (retention.ts: eventsDays).
CREATE TABLE IF NOT EXISTS engagement_steps
(
    site        LowCardinality(String),
    session_key UInt64,
    click_id    String CODEC(ZSTD(1)),
    ts          DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    object      LowCardinality(String),
    next_ts     DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    type        LowCardinality(String),
    path        String CODEC(ZSTD(1)),
    object_id   LowCardinality(String),
    nav_to      String CODEC(ZSTD(1)),
    props       Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    folded_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(folded_at)
PARTITION BY toYYYYMM(ts)
ORDER BY (site, ts, session_key, click_id)
TTL toDateTime(ts) + INTERVAL 400 DAY
