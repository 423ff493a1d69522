-- Notes the owner puts on a site's timeline ("posted on Hacker News", "new room"): shown on the
-- overview page's chart, in Grafana (an annotation query on this table) and in the weekly digest.
-- `at` is the instant the note is about, `created` when it was written. A deleted note's row is
-- deleted. Notes are few and small: kept as long as the rollups' longest default (no TTL).
CREATE TABLE IF NOT EXISTS annotations
(
    id      String,
    site    LowCardinality(String),
    at      DateTime64(3, 'UTC'),
    text    String,
    created DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (site, at, id)
