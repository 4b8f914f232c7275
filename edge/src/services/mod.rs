//! Business logic, free of the Worker runtime: each module owns one resource and speaks SQL through
//! `platform::Database`, so the same code runs on D1 in production and on SQLite under `cargo test`.

pub mod api_confirm;
pub mod api_payments;
pub mod confirm;
pub mod engine;
pub mod events;
pub mod idempotency;
pub mod installments;
pub mod keys;
pub mod limits;
pub mod merchants;
pub mod ops;
pub mod page_urls;
pub mod payer_guard;
pub mod payment_methods;
pub mod payments;
pub mod records;
pub mod refunds;
pub mod reseal;
pub mod retention;
pub mod scheduled;
pub mod sessions;
pub mod transitions;
pub mod webhooks;
