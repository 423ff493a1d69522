-- Campaign parameters (utm_*) of a landing page view and the visitor's country (ISO 3166-1
-- alpha-2, looked up from the address before it is dropped). Empty when unknown; rows written
-- before these columns existed read as empty too. One ALTER, idempotent.
ALTER TABLE events
    ADD COLUMN IF NOT EXISTS utm_source   LowCardinality(String) DEFAULT '' AFTER referrer_host,
    ADD COLUMN IF NOT EXISTS utm_medium   LowCardinality(String) DEFAULT '' AFTER utm_source,
    ADD COLUMN IF NOT EXISTS utm_campaign LowCardinality(String) DEFAULT '' AFTER utm_medium,
    ADD COLUMN IF NOT EXISTS utm_term     String DEFAULT '' CODEC(ZSTD(1)) AFTER utm_campaign,
    ADD COLUMN IF NOT EXISTS utm_content  String DEFAULT '' CODEC(ZSTD(1)) AFTER utm_term,
    ADD COLUMN IF NOT EXISTS country      LowCardinality(String) DEFAULT '' AFTER os
