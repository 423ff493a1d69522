-- The weekly digests delivered (src/digest/): one row per site, ISO week and channel ('webhook' or
-- 'mail') once that channel took the digest, so a restart never sends a week's digest twice.
CREATE TABLE IF NOT EXISTS digests_sent
(
    site    LowCardinality(String),
    week    String,
    channel LowCardinality(String),
    sent_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (site, week, channel)
