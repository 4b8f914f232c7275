//! Business logic, free of the Worker runtime: each module owns one resource and speaks SQL through
//! `platform::Database`, so the same code runs on D1 in production and on SQLite under `cargo test`.

pub mod confirm;
pub mod events;
pub mod idempotency;
pub mod keys;
pub mod limits;
pub mod merchants;
pub mod ops;
pub mod page_urls;
pub mod payer_guard;
pub mod payments;
pub mod records;
pub mod reseal;
pub mod scheduled;
pub mod sessions;
pub mod transitions;
pub mod webhooks;
