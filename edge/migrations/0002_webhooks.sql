-- Webhooks: merchant endpoints, one delivery per (event, endpoint), and every HTTP attempt of a delivery.
-- Times are Unix milliseconds. Deliveries are created in the same batch as their event (outbox fan-out), so an
-- event can never exist without the deliveries it owes; the queue and the cron sweep only move them forward.

CREATE TABLE webhook_endpoints (
  id                          TEXT PRIMARY KEY,
  merchant_id                 TEXT NOT NULL REFERENCES merchants(id),
  url                         TEXT NOT NULL,
  description                 TEXT,
  -- JSON array of event types, or ["*"] for every type.
  enabled_events              TEXT NOT NULL,
  status                      TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
  -- Why the endpoint is disabled: 'disabled_by_merchant', 'endpoint_gone' (HTTP 410), 'failing' (no success for days).
  disabled_reason             TEXT,
  livemode                    INTEGER NOT NULL DEFAULT 0,
  -- The signing secret (whsec_…). Returned only by create and rotate; never logged.
  secret                      TEXT NOT NULL,
  -- The secret before the last rotation: still signs (as a second signature) until previous_secret_expires_at.
  previous_secret             TEXT,
  previous_secret_expires_at  INTEGER,
  -- First failed attempt since the last success (NULL while healthy): drives disabling a failing endpoint.
  failing_since               INTEGER,
  -- Failed attempts since the last success, for display.
  consecutive_failures        INTEGER NOT NULL DEFAULT 0,
  created_at                  INTEGER NOT NULL,
  updated_at                  INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_by_merchant ON webhook_endpoints (merchant_id, status);

-- No foreign key to webhook_endpoints: a deleted endpoint's delivery history stays readable from its events.
CREATE TABLE webhook_deliveries (
  id               TEXT PRIMARY KEY,
  event_id         TEXT NOT NULL REFERENCES events(id),
  endpoint_id      TEXT NOT NULL,
  merchant_id      TEXT NOT NULL,
  -- pending: waiting for next_attempt_at; sending: one consumer holds it until lease_until;
  -- succeeded / failed (retries exhausted) / cancelled (endpoint deleted) are final until a resend.
  status           TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'succeeded', 'failed', 'cancelled')),
  -- Attempts made so far (numbers the next attempt row); schedule_step is the position in the retry schedule,
  -- reset by a resend.
  attempts         INTEGER NOT NULL DEFAULT 0,
  schedule_step    INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER,
  lease_until      INTEGER,
  -- When a queue message for it was last sent: the sweep re-enqueues only what is due and not freshly queued.
  enqueued_at      INTEGER,
  last_status_code INTEGER,
  last_error       TEXT,
  last_attempt_at  INTEGER,
  succeeded_at     INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at);

CREATE TABLE delivery_attempts (
  delivery_id  TEXT NOT NULL REFERENCES webhook_deliveries(id),
  attempt      INTEGER NOT NULL,
  event_id     TEXT NOT NULL,
  endpoint_id  TEXT NOT NULL,
  started_at   INTEGER NOT NULL,
  latency_ms   INTEGER NOT NULL,
  -- HTTP status when the endpoint answered; NULL on timeout or network error.
  status_code  INTEGER,
  outcome      TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'timeout', 'error')),
  error        TEXT,
  -- The queue consumer run that made the attempt.
  request_id   TEXT,
  PRIMARY KEY (delivery_id, attempt)
);
