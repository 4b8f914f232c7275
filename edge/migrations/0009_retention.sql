-- Retention (services/retention.rs): the cron purges events older than the retention window, oldest first, once
-- their deliveries are final. events_by_merchant starts with merchant_id, so a global "oldest events" read needs
-- its own index on created_at (else every purge batch scans the table).
CREATE INDEX events_by_created ON events (created_at);
