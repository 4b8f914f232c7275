-- Refunds (issue #13): captured money given back, in full or in parts, each with its provider attempts.
--
-- Budget rule: the sum of a payment's PENDING and SUCCEEDED refunds never exceeds payments.amount_captured. The INSERT
-- that records a refund carries that condition in its WHERE (see edge/src/services/refunds/store.rs) and a cas_guard
-- row follows it in the same batch, so of concurrent requests exactly those that fit are recorded; the rest change
-- nothing. The sums are read from this table, never cached on the payment, so they cannot drift.

CREATE TABLE refunds (
  id             TEXT PRIMARY KEY,
  merchant_id    TEXT NOT NULL REFERENCES merchants(id),
  payment_id     TEXT NOT NULL REFERENCES payments(id),
  amount         INTEGER NOT NULL CHECK (amount > 0),
  currency       TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  version        INTEGER NOT NULL DEFAULT 0,
  reason         TEXT,
  failure_reason TEXT,
  metadata       TEXT NOT NULL DEFAULT '{}',  -- JSON object
  request_id     TEXT,
  livemode       INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
-- A payment's refunds newest first (GET /v1/refunds?payment_id=…, the payment object, the budget sum).
CREATE INDEX refunds_by_payment ON refunds (payment_id, created_at, id);
-- The cron's reconciliation pass walks pending refunds oldest first.
CREATE INDEX refunds_pending ON refunds (created_at, id) WHERE status = 'PENDING';

-- One call to the provider for a refund. Written `pending` in the batch that records the refund, before the call;
-- its id is the provider reference, so asking again (the cron, the next read) reaches the same provider operation.
CREATE TABLE refund_attempts (
  id           TEXT PRIMARY KEY,
  refund_id    TEXT NOT NULL REFERENCES refunds(id),
  sequence     INTEGER NOT NULL,
  provider     TEXT NOT NULL,
  charge_id    TEXT NOT NULL REFERENCES charges(id),
  status       TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
  failure_code TEXT,
  message      TEXT,
  latency_ms   INTEGER,
  request_id   TEXT,
  created_at   INTEGER NOT NULL,
  resolved_at  INTEGER,
  UNIQUE (refund_id, sequence)
);

-- Events about a refund name it (the envelope's refundId).
ALTER TABLE events ADD COLUMN refund_id TEXT;
