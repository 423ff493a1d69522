-- Leases of the work that must run on one replica at a time (src/lease/: alert evaluation, the
-- weekly digest, retention). A task's lease is its row of highest generation: its owner holds it
-- until `expires`. To take or renew it, a replica inserts the next generation's row, keyed by
-- `slot` (task/generation), with the insert deduplication token of that slot: of two replicas
-- inserting the same generation, the second row is dropped as a duplicate, so the row read back
-- names one owner. The window keeps those tokens. On a cluster the table is a KeeperMap keyed by
-- `slot` and keeper_map_strict_mode refuses the second insert (clickhouse/cluster-schema.ts). The
-- owner deletes old generations itself (no TTL: the newest row must never expire away).
CREATE TABLE IF NOT EXISTS leases
(
    slot       String,
    task       String,
    generation UInt64,
    owner      String,
    expires    DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (task, generation)
SETTINGS non_replicated_deduplication_window = 1000
