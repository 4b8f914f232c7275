//! HSRC Pay Checkout on the edge.
//!
//! Layers, imports only downward (ARCHITECTURE.md): `http` → `routing` → `pipeline` → `handlers` → domain modules
//! (`sessions`, `payments`, `refunds`, `webhooks`, `ops`, `accounts`, `jobs`, with `records`/`store`) → `providers`
//! → `platform`. `glue` binds it to Cloudflare Workers (D1, KV, Queues, cron, static assets) and is the only
//! wasm-only code; the `hsrc-testkit` crate runs all of it on SQLite for tests.

pub mod accounts;
pub mod card_testing;
pub mod config_check;
pub mod handlers;
pub mod http;
pub mod jobs;
pub mod log;
pub mod openapi;
pub mod ops;
pub mod payments;
pub mod pipeline;
pub mod platform;
pub mod providers;
pub mod records;
pub mod refunds;
pub mod routing;
pub mod sessions;
pub mod store;
pub mod webhooks;

#[cfg(not(target_arch = "wasm32"))]
pub mod faults;

#[cfg(target_arch = "wasm32")]
mod glue;
