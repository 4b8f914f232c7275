-- API-only payments in the operations console, and payment methods attached to a customer (#15).

-- The merchant's own reference of the customer an API-only payment is for (its user id, say). A payment method
-- attached to that reference (payment_methods.customer) may be charged again, on that customer's payments only.
ALTER TABLE api_payments ADD COLUMN customer_reference TEXT;

-- When a payment method was attached to a customer and when it was detached: a detached one is never charged again.
ALTER TABLE payment_methods ADD COLUMN attached_at INTEGER;
ALTER TABLE payment_methods ADD COLUMN detached_at INTEGER;
CREATE INDEX payment_methods_by_customer ON payment_methods (merchant_id, customer, created_at) WHERE customer IS NOT NULL;

-- The console finds API-only payments by the same handles as sessions (see 0004_ops.sql): an index probe each.
CREATE INDEX ops_api_payments_by_customer_email ON api_payments (merchant_id, lower(json_extract(customer, '$.email')));
CREATE INDEX ops_api_payments_by_order_id ON api_payments (merchant_id, json_extract(metadata, '$.order_id'));
CREATE INDEX ops_api_payments_by_customer_reference ON api_payments (merchant_id, customer_reference);
