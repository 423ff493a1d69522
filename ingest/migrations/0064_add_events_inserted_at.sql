-- When a row reached the table, set by the engine at insert (the writer never sends it): what
-- tells a job that folds events up to a watermark (src/engagement-fold/) which rows arrived after
-- it. `received_at` is no such mark: a row accepted before the watermark may be written after it
-- (a batch waiting in the buffer, a spool replayed after an outage, an OTLP retry), and `ts` may be
-- anything the sender says. Rows older than this migration are given one by the next (0065).
ALTER TABLE events
    ADD COLUMN IF NOT EXISTS inserted_at DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta, ZSTD(1))
