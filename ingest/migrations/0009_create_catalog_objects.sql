-- The catalog's objects (site, room, object, labels, in catalog order). The ingest service
-- replaces the whole table at every start with what its catalog file holds, in one step, so the
-- dashboards' "least clicked" and "never clicked" follow the catalog without a re-render: an
-- object nobody ever clicked has no event, only this row.
CREATE TABLE IF NOT EXISTS catalog_objects
(
    site       LowCardinality(String),
    room       LowCardinality(String),
    room_label String,
    object     String,
    label      String,
    position   UInt32
)
ENGINE = MergeTree
ORDER BY (site, room, object)
