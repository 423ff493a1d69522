-- Two processes offering a day's salt at once on one server: the offer is inserted with the day's
-- deduplication token (src/events/daily-salts.ts), so the second insert is dropped and both read
-- the first. Ordering by `created` alone could not decide: an offer made first may be committed
-- last, after the other process had read back its own. On a cluster the table is a KeeperMap,
-- whose strict mode refuses the second offer instead (clickhouse/cluster-schema.ts skips this).
ALTER TABLE visitor_salts MODIFY SETTING non_replicated_deduplication_window = 100
