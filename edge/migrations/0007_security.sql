-- Live-readiness security (issue 14). Times are Unix milliseconds.

-- Idempotency rows gain an owner (a random token claimed with the row: only the execution that holds it may
-- finish or release the row) and a third state, `unavailable`: the request ran but its response held a secret or
-- card data, so it is not kept for replay. Rebuilt because the state CHECK changes.
CREATE TABLE idempotency_keys_new (
  scope           TEXT NOT NULL,
  key             TEXT NOT NULL,
  -- HMAC under a server key over method, path and the body with card fields replaced by the card fingerprint.
  request_hash    TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('in_flight', 'done', 'unavailable')),
  response_status INTEGER,
  response_body   TEXT,
  locked_at       INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  owner           TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (scope, key)
);
-- Merchant-scoped rows carry no card data and keep working across the deploy (their plain SHA-256 is marked so
-- `claim` compares it the old way). Payer-scoped rows may hold a plain hash over a PAN and CVC: dropped.
INSERT INTO idempotency_keys_new (scope, key, request_hash, state, response_status, response_body, locked_at, expires_at)
  SELECT scope, key, 'sha256:' || request_hash, state, response_status, response_body, locked_at, expires_at
  FROM idempotency_keys WHERE scope LIKE 'merchant:%';
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_new RENAME TO idempotency_keys;
CREATE INDEX idempotency_by_expiry ON idempotency_keys (expires_at);

-- When a key last authenticated a request (written at most once a minute per key), for GET /v1/api-keys.
ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
-- The key a rolled key replaced: revoking the new key undoes the roll (the replaced key's grace end is cleared).
ALTER TABLE api_keys ADD COLUMN replaces TEXT;

-- Card testing per merchant: confirm attempts that passed the card-testing check (one row per attempt, kept for
-- the breaker window, no card data: the keyed fingerprint only). The per-card check and this insert are one
-- statement, so parallel confirms cannot pass more attempts than the budget allows.
CREATE TABLE card_attempts (
  id                  TEXT PRIMARY KEY,
  merchant_id         TEXT NOT NULL,
  fingerprint         TEXT NOT NULL,
  checkout_session_id TEXT NOT NULL,
  created_at          INTEGER NOT NULL
);
CREATE INDEX card_attempts_by_card ON card_attempts (merchant_id, fingerprint, created_at);
CREATE INDEX card_attempts_by_merchant ON card_attempts (merchant_id, created_at);
CREATE INDEX card_declines_by_merchant ON card_declines (merchant_id, created_at);

-- The decline-ratio breaker: while now < until, the merchant's confirms are refused (card_velocity_exceeded).
CREATE TABLE merchant_breakers (
  merchant_id       TEXT PRIMARY KEY,
  tripped_at        INTEGER NOT NULL,
  until             INTEGER NOT NULL,
  declined_sessions INTEGER NOT NULL,
  attempted_sessions INTEGER NOT NULL
);
