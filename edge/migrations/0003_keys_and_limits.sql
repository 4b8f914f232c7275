-- Key rotation and abuse limits.
-- Times are Unix milliseconds.

-- A rolled secret key keeps working until expires_at (the grace period), then authentication refuses it.
-- NULL: the key has not been rolled. A key rolled with no grace period also gets revoked_at at once.
ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;

-- Declined charges by card, for the card-testing defence: too many declines of one card (keyed fingerprint,
-- per merchant) in a window, or on one session, block further confirms. Holds no card data.
CREATE TABLE card_declines (
  charge_id           TEXT PRIMARY KEY,
  merchant_id         TEXT NOT NULL,
  fingerprint         TEXT NOT NULL,
  checkout_session_id TEXT NOT NULL,
  created_at          INTEGER NOT NULL
);
CREATE INDEX card_declines_by_card ON card_declines (merchant_id, fingerprint, created_at);
CREATE INDEX card_declines_by_session ON card_declines (checkout_session_id);
