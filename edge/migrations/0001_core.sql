-- Core schema: merchants and keys, checkout sessions, payments and charges, events (outbox), idempotency.
-- Times are Unix milliseconds. Every status change is a compare-and-set on (status, version) followed by a
-- cas_guard row in the same batch, so a lost race rolls the whole batch back.

CREATE TABLE merchants (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  livemode        INTEGER NOT NULL DEFAULT 0,
  -- JSON arrays: hosts allowed in url/return_url/cancel_url ("shop.example", "*.shop.example"),
  -- origins allowed to frame the checkout ("https://shop.example"), providers in routing order.
  allowed_hosts   TEXT NOT NULL DEFAULT '[]',
  allowed_origins TEXT NOT NULL DEFAULT '[]',
  providers       TEXT NOT NULL DEFAULT '["sandbox_primary","sandbox_fallback"]',
  created_at      INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL REFERENCES merchants(id),
  kind        TEXT NOT NULL CHECK (kind IN ('secret', 'publishable')),
  livemode    INTEGER NOT NULL DEFAULT 0,
  -- SHA-256 of the whole key; the key itself is never stored.
  key_hash    TEXT NOT NULL UNIQUE,
  -- First characters, for display ("sk_test_4f2a…").
  prefix      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);

CREATE TABLE checkout_sessions (
  id                   TEXT PRIMARY KEY,
  merchant_id          TEXT NOT NULL REFERENCES merchants(id),
  status               TEXT NOT NULL,
  version              INTEGER NOT NULL DEFAULT 0,
  -- SHA-256 of the payer token; the token is only ever returned once, on create.
  token_hash           TEXT NOT NULL UNIQUE,
  amount               INTEGER NOT NULL,
  currency             TEXT NOT NULL,
  url                  TEXT NOT NULL,
  return_url           TEXT,
  cancel_url           TEXT,
  expires_at           INTEGER NOT NULL,
  customer             TEXT,            -- JSON
  collect              TEXT NOT NULL,   -- JSON array
  custom_fields        TEXT NOT NULL,   -- JSON array
  metadata             TEXT NOT NULL,   -- JSON object
  public_metadata_keys TEXT NOT NULL,   -- JSON array
  secure_mode          INTEGER NOT NULL,
  capture_method       TEXT NOT NULL,
  locale               TEXT NOT NULL,
  payer                TEXT,            -- JSON
  attempts             INTEGER NOT NULL DEFAULT 0,
  max_attempts         INTEGER NOT NULL,
  livemode             INTEGER NOT NULL DEFAULT 0,
  payment_id           TEXT NOT NULL UNIQUE,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL
);
CREATE INDEX sessions_by_merchant ON checkout_sessions (merchant_id, status);
CREATE INDEX sessions_open_by_expiry ON checkout_sessions (expires_at) WHERE status = 'PENDING';

CREATE TABLE payments (
  id                  TEXT PRIMARY KEY,
  merchant_id         TEXT NOT NULL REFERENCES merchants(id),
  checkout_session_id TEXT NOT NULL UNIQUE,
  status              TEXT NOT NULL,
  version             INTEGER NOT NULL DEFAULT 0,
  amount              INTEGER NOT NULL,
  amount_captured     INTEGER NOT NULL DEFAULT 0,
  currency            TEXT NOT NULL,
  capture_method      TEXT NOT NULL,
  card                TEXT,            -- JSON: brand, last4, exp_month, exp_year, fingerprint. Never the PAN or CVC.
  next_action         TEXT,            -- JSON
  last_error          TEXT,            -- JSON
  livemode            INTEGER NOT NULL DEFAULT 0,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX payments_by_merchant ON payments (merchant_id, status);

CREATE TABLE charges (
  id                 TEXT PRIMARY KEY,
  payment_id         TEXT NOT NULL REFERENCES payments(id),
  sequence           INTEGER NOT NULL,
  provider           TEXT NOT NULL,
  status             TEXT NOT NULL,
  amount             INTEGER NOT NULL,
  decline_code       TEXT,
  message            TEXT,
  latency_ms         INTEGER,
  provider_reference TEXT,
  request_id         TEXT,
  created_at         INTEGER NOT NULL,
  resolved_at        INTEGER,
  UNIQUE (payment_id, sequence)
);
CREATE INDEX charges_waiting ON charges (status) WHERE status IN ('pending', 'requires_action');

-- 3DS challenges: bound to one charge of one payment; the id is the only thing in the challenge URL.
CREATE TABLE challenges (
  id          TEXT PRIMARY KEY,
  payment_id  TEXT NOT NULL REFERENCES payments(id),
  charge_id   TEXT NOT NULL REFERENCES charges(id),
  status      TEXT NOT NULL CHECK (status IN ('pending', 'passed', 'failed', 'abandoned')),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  resolved_at INTEGER
);
CREATE INDEX challenges_pending ON challenges (expires_at) WHERE status = 'pending';

-- Every status change of a session or payment, for the operations timeline.
CREATE TABLE transitions (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  entity      TEXT NOT NULL CHECK (entity IN ('checkout_session', 'payment', 'charge')),
  entity_id   TEXT NOT NULL,
  from_status TEXT,
  to_status   TEXT NOT NULL,
  request_id  TEXT,
  created_at  INTEGER NOT NULL
);
CREATE INDEX transitions_by_entity ON transitions (entity_id, id);
CREATE INDEX transitions_by_request ON transitions (request_id);

-- The outbox: written in the same batch as the change that causes it.
CREATE TABLE events (
  id                  TEXT PRIMARY KEY,
  merchant_id         TEXT NOT NULL,
  type                TEXT NOT NULL,
  payment_id          TEXT,
  checkout_session_id TEXT,
  request_id          TEXT,
  livemode            INTEGER NOT NULL DEFAULT 0,
  data                TEXT NOT NULL,  -- JSON: {"object": …}
  created_at          INTEGER NOT NULL
);
CREATE INDEX events_by_merchant ON events (merchant_id, created_at);
CREATE INDEX events_by_payment ON events (payment_id);
CREATE INDEX events_by_session ON events (checkout_session_id);

-- Idempotency-Key records (IETF draft): scope is the merchant, or the session for token-authenticated calls.
CREATE TABLE idempotency_keys (
  scope           TEXT NOT NULL,
  key             TEXT NOT NULL,
  request_hash    TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
  response_status INTEGER,
  response_body   TEXT,
  locked_at       INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_by_expiry ON idempotency_keys (expires_at);

-- A single-row table whose CHECK fails when the previous UPDATE changed nothing: aborts a batch whose
-- compare-and-set lost a race, so no dependent row (charge, event) is ever written for a lost transition.
CREATE TABLE cas_guard (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  ok INTEGER NOT NULL CHECK (ok = 1)
);

-- The sandbox acquirer's own ledger (it plays an external system): how a timed-out operation ends.
-- Holds no card data, only the outcome decided at authorization time.
CREATE TABLE sandbox_operations (
  reference    TEXT PRIMARY KEY,
  provider     TEXT NOT NULL,
  outcome      TEXT NOT NULL,   -- 'approved' | 'declined:<code>'
  resolve_at   INTEGER NOT NULL,
  created_at   INTEGER NOT NULL
);
