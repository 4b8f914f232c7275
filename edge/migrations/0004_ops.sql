-- Operations console search (GET /v1/ops/search). Every search term is answered by an index probe scoped to the
-- merchant, never by a scan of its sessions. Expression indexes instead of a search table written on create: the
-- payer's email and the card arrive later (payer details, confirm), and these indexes follow every write without
-- any code having to remember them. The queries in edge/src/services/ops.rs repeat these expressions exactly, which
-- is what lets SQLite (and D1) use them; a native test checks the query plans.

-- The list itself: a merchant's sessions newest first, and date ranges.
CREATE INDEX ops_sessions_by_created ON checkout_sessions (merchant_id, created_at);

-- metadata.order_id, the key merchants put on every session (the guide's example).
CREATE INDEX ops_sessions_by_order_id ON checkout_sessions (merchant_id, json_extract(metadata, '$.order_id'));

-- Payer email (given on the form) and customer email (the merchant's prefill), case-insensitive.
CREATE INDEX ops_sessions_by_payer_email ON checkout_sessions (merchant_id, lower(json_extract(payer, '$.email')));
CREATE INDEX ops_sessions_by_customer_email ON checkout_sessions (merchant_id, lower(json_extract(customer, '$.email')));

-- Last four digits of the payment's card.
CREATE INDEX ops_payments_by_last4 ON payments (merchant_id, json_extract(card, '$.last4'));

-- The session detail reads a payment's 3DS challenges (0001 indexes them only by expiry, for the sweep).
CREATE INDEX ops_challenges_by_payment ON challenges (payment_id);
