-- The deepest point of a page reached (`props['scroll_depth']` of `time_spent`, a whole percent the
-- ingest service checks at accept time: RESERVED_PROPS in contract), computed once when a row is
-- written, so the pages' reading figures read one byte per row instead of the props map
-- (page_engagement in ingest/src/stats/event-lists.ts). 0 stands for "not measured" (other event
-- types, and a page left before the tracker's lazy part came). Rows older than this migration
-- compute it when read, from their props, until a merge writes it out. One ALTER, idempotent.
ALTER TABLE events
    ADD COLUMN IF NOT EXISTS scroll_depth UInt8 MATERIALIZED toUInt8OrZero(props['scroll_depth'])
