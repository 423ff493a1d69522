-- The daily salt behind visitor ids (src/events/daily-salts.ts), kept so that a restart or a crash
-- in the middle of a day gives a returning visitor the same id. Only the salts are kept, never the
-- inputs they are hashed with (address, user agent, session). Each process offers a random salt
-- for a day and uses the first one stored (earliest `created`, then smallest salt), so every
-- process agrees. The service deletes every salt of a past day at each rollover; the TTL is the
-- backstop should it be down then.
CREATE TABLE IF NOT EXISTS visitor_salts
(
    day     Date,
    salt    String,
    created DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = MergeTree
ORDER BY (day, created)
TTL day + INTERVAL 2 DAY
