-- How far each folding job got (src/engagement-fold/): every event inserted up to `watermark`
-- (events.inserted_at) is folded into its table. One row per round; the newest is the job's
-- watermark (max), the older ones go at merges. A restart goes on from it.
CREATE TABLE IF NOT EXISTS fold_watermarks
(
    job       LowCardinality(String),
    watermark DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(watermark)
ORDER BY job
