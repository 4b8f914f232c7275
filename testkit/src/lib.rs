//! The test kit of HSRC Pay Checkout.
//!
//! - `native`: the whole edge in one process on SQLite with the real migrations (the production library never
//!   links SQLite); `native_checkout` puts it behind the `Checkout` trait.
//! - `receiver`: webhook receivers behind one `Hooks` trait (a loopback server for the Worker; natively the
//!   harness's delivery sink, `native_hooks`).
//! - `http`: the client for the local Worker (`scripts/test.sh` starts it), behind the same trait.
//! - `checkout`: the trait, requests/responses, typed calls through the `shared` wire types.
//! - `scenarios`: the scenario suite, written once against `Checkout` and run by a native entry file
//!   (`edge/tests/scenarios.rs`) and an e2e one (`tests/tests/scenarios.rs`).
//! - `worker_state`: the local Worker's persisted files, for e2e storage checks.
//! - `fields`: `token`/`pid` of an untyped session, for the files not on the typed helpers yet.
//! - `schema`: responses checked against the OpenAPI document (the `jsonschema` crate; tests only).
//!
//! Cards are named from the one sandbox table, `hsrc_shared::test_cards` (re-exported as `cards`).

pub mod checkout;
pub mod fields;
pub mod http;
pub mod native;
pub mod native_checkout;
pub mod native_hooks;
pub mod receiver;
pub mod scenarios;
pub mod schema;
pub mod worker_state;

pub use checkout::{Checkout, Request, Response, Session};
pub use hsrc_shared::test_cards as cards;
