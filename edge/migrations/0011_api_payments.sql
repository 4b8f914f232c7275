-- API-only payments (#15): payments created with POST /v1/payments (no checkout session), and payment methods
-- tokenised by our card element. Times are Unix milliseconds.
--
-- payments.checkout_session_id is NOT NULL UNIQUE since 0001 and SQLite cannot relax a column constraint without
-- rebuilding the table, which would drop the columns and indexes other migrations add to payments. An API-only
-- payment therefore stores its own id there (never a session id, so no join to checkout_sessions ever matches it),
-- and records.rs reads the column as NULLIF(checkout_session_id, id): on the wire it is null.

-- What a checkout session holds for the payment engine, for a payment without one.
CREATE TABLE api_payments (
  payment_id         TEXT PRIMARY KEY REFERENCES payments(id),
  merchant_id        TEXT NOT NULL REFERENCES merchants(id),
  -- SHA-256 of the client secret; the secret is only returned on create.
  client_secret_hash TEXT NOT NULL UNIQUE,
  client_secret_expires_at INTEGER NOT NULL,
  return_url         TEXT,
  customer           TEXT,            -- JSON
  metadata           TEXT NOT NULL,   -- JSON object
  description        TEXT,
  secure_mode        INTEGER NOT NULL,
  -- Confirms so far and the limit: a declined payment takes a new payment method until attempts reach max.
  attempts           INTEGER NOT NULL DEFAULT 0,
  max_attempts       INTEGER NOT NULL,
  created_at         INTEGER NOT NULL
);

-- Cards tokenised by the card element: the acquirer's vault reference and display data, never the number or CVC.
CREATE TABLE payment_methods (
  id                 TEXT PRIMARY KEY,
  merchant_id        TEXT NOT NULL REFERENCES merchants(id),
  livemode           INTEGER NOT NULL DEFAULT 0,
  provider           TEXT NOT NULL,
  -- The acquirer's token for the card (what authorization sends instead of card data).
  provider_reference TEXT NOT NULL,
  brand              TEXT NOT NULL,
  last4              TEXT NOT NULL,
  exp_month          INTEGER NOT NULL,
  exp_year           INTEGER NOT NULL,
  fingerprint        TEXT NOT NULL,
  -- The issuer asks for 3DS for this card (what the checkout decides from the card at confirm).
  challenge_required INTEGER NOT NULL DEFAULT 0,
  -- Single use unless attached to a customer: set when a confirm takes it.
  customer           TEXT,
  used_at            INTEGER,
  used_by_payment    TEXT,
  expires_at         INTEGER NOT NULL,
  created_at         INTEGER NOT NULL
);
CREATE INDEX payment_methods_by_merchant ON payment_methods (merchant_id, created_at);

-- The operations console lists API-only payments (those with no session) newest first.
CREATE INDEX ops_payments_by_created ON payments (merchant_id, created_at);

-- Live merchants approved for the SAQ D path may send raw card data to /v1/payments/:id/confirm; nobody else.
ALTER TABLE merchants ADD COLUMN raw_card_data_allowed INTEGER NOT NULL DEFAULT 0;

-- A 3DS challenge on a payment method's card authorizes afterwards with the acquirer's token of that card (the
-- checkout vaults the card under the challenge id instead: NULL).
ALTER TABLE challenges ADD COLUMN vault_token TEXT;
