-- The catalog's goals (site, name, catalog order), each as the columns one `events` row is matched
-- against: its event type, LIKE patterns for the path and the link's URL ('%' where the goal says
-- nothing of them), the object clicked ('' for any) and the props its events must carry. The
-- ingest service replaces the whole table at every start with what its catalog file holds, in one
-- step, as catalog_objects, so Grafana's goal panel follows the catalog without a re-render; the
-- columns are made by the same rules as the service's own goal condition.
CREATE TABLE IF NOT EXISTS catalog_goals
(
    site       LowCardinality(String),
    goal       String,
    position   UInt32,
    target     String,
    event_type LowCardinality(String),
    path_like  String,
    url_like   String,
    object     String,
    props      Map(String, String)
)
ENGINE = MergeTree
ORDER BY (site, position)
