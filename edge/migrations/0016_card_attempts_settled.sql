-- An attempt of a card is in flight until its charge settles (edge/src/card_testing.rs, issue #18 item 3). Before
-- this flag, the per-card budget found the in-flight attempts by walking every attempt of the card in the last
-- minute and testing each against its session, declines and payment: a card paid often (a merchant's test card, a
-- corporate card) made every confirm walk thousands of settled rows. Settling marks the attempt, and the partial
-- indexes hold only the open ones, so the walk is bounded by what is really in flight.
ALTER TABLE card_attempts ADD COLUMN settled INTEGER NOT NULL DEFAULT 0;
-- The all-rows index of the card served only that walk.
DROP INDEX card_attempts_by_card;
CREATE INDEX card_attempts_open_by_card ON card_attempts (merchant_id, fingerprint, created_at) WHERE settled = 0;
CREATE INDEX card_attempts_open_by_session ON card_attempts (checkout_session_id) WHERE settled = 0;
