-- A merchant's own per-card decline budget (card-testing defence, issue #14): NULL means the default
-- (`limits::CARD_MAX_DECLINES`). The end-to-end suite raises it for the shared test merchant, whose many tests
-- decline the same sandbox cards within one hour; the card-testing tests run on merchants with the default.
ALTER TABLE merchants ADD COLUMN card_max_declines INTEGER;
