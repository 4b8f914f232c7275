-- The card-testing checks inside a confirm's claim batch (edge/src/card_testing.rs, issue #18): like cas_guard, a
-- single-row table whose CHECKs abort the whole batch, each under its own name, so the confirm tells "this card is
-- over its budget" and "this attempt trips the merchant's breaker" apart from a lost race. No row is ever kept
-- by a batch that fails, and one that passes leaves 1s.
CREATE TABLE card_guard (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  card_within_budget INTEGER CHECK (card_within_budget = 1),
  breaker_stays_closed INTEGER CHECK (breaker_stays_closed = 1)
);
