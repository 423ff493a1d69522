-- The ingest replicas' heartbeats (pipeline/replica-heartbeats.ts), written only with REPLICA_ID:
-- each replica's instance (its REPLICA_ID and data folder) writes a row every second, saying
-- that every row it logged before `stored_before` is in ClickHouse. Before inserting a batch, a
-- replica waits until every live one has stored what it logged before the batch's first row,
-- then leaves out the ids already stored (pipeline/handover-check.ts). The newest beat of an
-- instance replaces the older ones; a replica gone for a day is forgotten. On a cluster the table
-- is a KeeperMap keyed by `instance` (clickhouse/cluster-schema.ts), read alike on every server.
CREATE TABLE IF NOT EXISTS replica_heartbeats
(
    instance      String,
    replica       String,
    started       DateTime64(3, 'UTC'),
    stored_before DateTime64(3, 'UTC'),
    beat          DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(beat)
ORDER BY instance
TTL toDateTime(beat) + INTERVAL 1 DAY
