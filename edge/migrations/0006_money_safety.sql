-- #12 money safety after the provider answers.

-- The sandbox acquirer's own ledger, as a real provider keeps one: every operation it received, keyed by OUR
-- reference (its idempotency key), with the answer it gave or will give. It never holds card data.
CREATE TABLE sandbox_ledger (
  reference       TEXT PRIMARY KEY,
  provider        TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('authorize', 'capture', 'void', 'refund')),
  authorization   TEXT,            -- capture/void/refund: the authorization's reference
  outcome         TEXT NOT NULL,   -- 'approved' | 'approved_hold' | 'declined:<code>' | 'done' | 'refused:<code>'
  amount          INTEGER NOT NULL,
  resolve_at      INTEGER NOT NULL, -- the answer exists from then on (before: in progress)
  hold_expires_at INTEGER,          -- authorize with a hold: the issuer releases it then
  created_at      INTEGER NOT NULL
);
CREATE INDEX sandbox_ledger_by_authorization ON sandbox_ledger (authorization) WHERE authorization IS NOT NULL;

-- Every object carries a version that increments on each change (events show it so receivers drop stale ones).
ALTER TABLE charges ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- An uncaptured authorization is voided by the cron job at this instant (ms): the issuer's release or our 7 days.
ALTER TABLE charges ADD COLUMN authorization_expires_at INTEGER;
-- Set when we wrote the attempt off (the provider had no record of it); the cron job keeps looking it up for a day
-- and voids a late approval.
ALTER TABLE charges ADD COLUMN written_off_at INTEGER;
-- 'voided', 'expired', 'authorization_expired', 'merchant_cancelled', 'payer_cancelled' on CANCELLED payments.
ALTER TABLE payments ADD COLUMN cancellation_reason TEXT;
CREATE INDEX charges_authorized ON charges (authorization_expires_at) WHERE status = 'authorized';
CREATE INDEX charges_written_off ON charges (written_off_at) WHERE written_off_at IS NOT NULL;

-- Capture and void are provider operations with their own waiting state: the row is written `pending` before the
-- provider call, under the reference the provider sees, and settled by the answer or by the cron job's lookup.
CREATE TABLE payment_operations (
  id          TEXT PRIMARY KEY,
  reference   TEXT NOT NULL,      -- what the provider sees: (payment, kind, charge sequence), its idempotency key
  payment_id  TEXT NOT NULL REFERENCES payments(id),
  charge_id   TEXT NOT NULL REFERENCES charges(id),
  kind        TEXT NOT NULL CHECK (kind IN ('capture', 'void')),
  reason      TEXT,               -- void: the cancellation_reason it gives the payment, or 'late_approval'
  amount      INTEGER NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  error_code  TEXT,
  provider    TEXT NOT NULL,
  request_id  TEXT,
  created_at  INTEGER NOT NULL,
  resolved_at INTEGER
);
-- One operation in flight per payment: a racing second capture or void is refused by this index.
CREATE UNIQUE INDEX payment_operations_one_pending ON payment_operations (payment_id) WHERE status = 'pending';
CREATE INDEX payment_operations_waiting ON payment_operations (created_at, id) WHERE status = 'pending';

-- Where each reconciliation pass of the cron job continues, so a bad row or a long backlog never starves the rest.
CREATE TABLE engine_cursors (
  name       TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  id         TEXT NOT NULL
);
