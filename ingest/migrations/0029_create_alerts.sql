-- The traffic alerts the service raises itself (ingest/src/alerts/): one row per episode of a rule
-- firing for a site, written again whenever it changes (resolved, a notification delivered); the
-- newest version of a row wins, and readers use FINAL. Kept so that a restart neither forgets an
-- open alert nor notifies it twice, and so the overview page lists recent ones. `notified` is the
-- last message the webhook took: '' (none yet), 'firing' or 'resolved'. Rates are events a minute.
CREATE TABLE IF NOT EXISTS alerts
(
    rule        LowCardinality(String),
    site        LowCardinality(String),
    started_at  DateTime('UTC'),
    resolved_at Nullable(DateTime('UTC')),
    observed    Float64,
    expected    Float64,
    notified    LowCardinality(String),
    version     DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (rule, site, started_at)
TTL started_at + INTERVAL 90 DAY
