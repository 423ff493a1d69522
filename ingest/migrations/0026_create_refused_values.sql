-- What was refused, and the value that made it (an unknown object, a page origin no site lists, a
-- bot's user agent), per site and UTC day, so the owner still learns why clicks are missing after
-- a restart. Bounded: per site, day and reason the first 20 distinct values keep their own row;
-- the rest are counted together on the row with `others` = 1 and an empty value. `site` is a
-- catalog site, or '' where the refused item named none the catalog has. Rows of one key are
-- summed at merges; readers sum them too. A bot's user agent is kept at most 31 days.
CREATE TABLE IF NOT EXISTS refused_values
(
    site   LowCardinality(String),
    day    Date,
    reason LowCardinality(String),
    others Bool,
    value  String,
    count  UInt64
)
ENGINE = SummingMergeTree(count)
PARTITION BY toYYYYMM(day)
ORDER BY (site, day, reason, others, value)
TTL day + INTERVAL 31 DAY
