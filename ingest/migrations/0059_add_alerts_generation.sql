-- The generation of the `alerts` lease (src/lease/) under which a row was written: the fencing
-- token. With several replicas an owner paused past its lease's expiry may wake up while the next
-- owner acts; it checks right before each write that its generation is still the newest and
-- leaves the write to the newer owner when not, and each row says under which generation it was
-- written. 1 in the single-process default (the process owns the lease); 0 for rows written before.
ALTER TABLE alerts
    ADD COLUMN IF NOT EXISTS generation UInt64 DEFAULT 0
