-- The generation of the `digest` lease (src/lease/) under which a digest was delivered: the
-- fencing token. With several replicas an owner paused past its lease's expiry may wake up while
-- the next owner delivers; it checks right before each post or mail that its generation is still
-- the newest and leaves the delivery to the newer owner when not. 1 in the single-process default
-- (the process owns the lease); 0 for rows written before.
ALTER TABLE digests_sent
    ADD COLUMN IF NOT EXISTS generation UInt64 DEFAULT 0
