-- API keys and shared links (src/auth/api-keys.ts): read-only or admin, for one site or all. Only
-- the sha-256 of each secret is kept, never the secret, which is shown once when the key is made.
-- `site` is '' for a key of every site; `kind` is 'key' (for scripts) or 'share' (a read-only link
-- whose secret travels in the URL's fragment). A revoked key's row is deleted. The service is the
-- only writer and keeps every row in memory, so a revocation holds at once.
CREATE TABLE IF NOT EXISTS api_keys
(
    id      String,
    hash    String,
    scope   LowCardinality(String),
    site    String,
    kind    LowCardinality(String),
    created DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY id
