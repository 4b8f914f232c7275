-- Installments (taksit). The rate table is data: each row says what `count` installments on a card of `family`
-- cost, in basis points of the amount (the payer pays it when the merchant's `interest_paid_by` is `payer`, the
-- merchant otherwise). These are the sandbox acquirer's rates; a deployment changes them with plain SQL, and a
-- merchant-specific row (merchant_id set) overrides the default row (merchant_id '') for that merchant.
-- Which counts exist per family is also this table: bonus/axess/maximum/cardfinans/paraf 2–12, world 2–9, troy 2–6.
CREATE TABLE installment_rates (
  merchant_id TEXT NOT NULL DEFAULT '',
  family      TEXT NOT NULL,
  count       INTEGER NOT NULL CHECK (count BETWEEN 2 AND 12),
  rate_bps    INTEGER NOT NULL CHECK (rate_bps BETWEEN 0 AND 10000),
  PRIMARY KEY (merchant_id, family, count)
);

INSERT INTO installment_rates (family, count, rate_bps) VALUES
  ('bonus', 2, 299), ('bonus', 3, 449), ('bonus', 4, 599), ('bonus', 5, 749), ('bonus', 6, 899), ('bonus', 7, 1049), ('bonus', 8, 1199), ('bonus', 9, 1349), ('bonus', 10, 1499), ('bonus', 11, 1649), ('bonus', 12, 1799),
  ('world', 2, 310), ('world', 3, 460), ('world', 4, 610), ('world', 5, 760), ('world', 6, 910), ('world', 7, 1060), ('world', 8, 1210), ('world', 9, 1360),
  ('axess', 2, 305), ('axess', 3, 455), ('axess', 4, 605), ('axess', 5, 755), ('axess', 6, 905), ('axess', 7, 1055), ('axess', 8, 1205), ('axess', 9, 1355), ('axess', 10, 1505), ('axess', 11, 1655), ('axess', 12, 1805),
  ('maximum', 2, 295), ('maximum', 3, 445), ('maximum', 4, 595), ('maximum', 5, 745), ('maximum', 6, 895), ('maximum', 7, 1045), ('maximum', 8, 1195), ('maximum', 9, 1345), ('maximum', 10, 1495), ('maximum', 11, 1645), ('maximum', 12, 1795),
  ('cardfinans', 2, 320), ('cardfinans', 3, 470), ('cardfinans', 4, 620), ('cardfinans', 5, 770), ('cardfinans', 6, 920), ('cardfinans', 7, 1070), ('cardfinans', 8, 1220), ('cardfinans', 9, 1370), ('cardfinans', 10, 1520), ('cardfinans', 11, 1670), ('cardfinans', 12, 1820),
  ('paraf', 2, 315), ('paraf', 3, 465), ('paraf', 4, 615), ('paraf', 5, 765), ('paraf', 6, 915), ('paraf', 7, 1065), ('paraf', 8, 1215), ('paraf', 9, 1365), ('paraf', 10, 1515), ('paraf', 11, 1665), ('paraf', 12, 1815),
  ('troy', 2, 280), ('troy', 3, 430), ('troy', 4, 580), ('troy', 5, 730), ('troy', 6, 880);

-- The merchant's settings (JSON of InstallmentSettings; NULL = the defaults: on, up to 12, payer pays interest,
-- sessions from ₺100,00), the session's choice (JSON of SessionInstallments), and the plan a payment and each charge
-- were made with (JSON of PaymentInstallments; NULL = single payment).
ALTER TABLE merchants ADD COLUMN installments TEXT;
ALTER TABLE checkout_sessions ADD COLUMN installments TEXT;
ALTER TABLE payments ADD COLUMN installments TEXT;
ALTER TABLE charges ADD COLUMN installments TEXT;
