-- Index for the query that runs after every event-writing request (confirm, cancel, capture, …): "the pending
-- deliveries of these new events" (services/webhooks/fanout.rs, enqueue_for_events). Without it SQLite picks
-- webhook_deliveries_due (status, next_attempt_at) and walks every pending delivery of every merchant, which grows
-- while an endpoint is down and its deliveries wait for retries (benchmarked: 0.2 ms at 1 000 pending, 16 ms at
-- 100 000, per query); with it the lookup is a probe per event id, flat at any size. See BENCHMARKS.md.
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id, status);
