-- The payer's Idempotency-Key claimed inside the confirm's own claim batch (edge/src/pipeline/idempotency.rs,
-- issue #18): like cas_guard, a one-row table whose CHECK aborts the whole batch, here when the key's row was
-- written by another execution of the same key since this one read it, under its own name, so the confirm tells
-- "the key is taken" apart from a lost compare-and-set. A batch that fails keeps no row; one that passes leaves a 1.
CREATE TABLE key_guard (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  key_claimed INTEGER NOT NULL CHECK (key_claimed = 1)
);
