-- Rows written before 0064 get their insert mark written out (the migration's time): until then a
-- part without the column computes `now64()` when read, so its rows would look newly arrived on
-- every read. The migration waits for it, so no fold starts while old rows still look new. The
-- minmax index lets "what arrived after the watermark" read only the granules of recent inserts.
ALTER TABLE events
    ADD INDEX IF NOT EXISTS inserted_at_minmax inserted_at TYPE minmax GRANULARITY 1,
    MATERIALIZE COLUMN inserted_at
SETTINGS mutations_sync = 2
