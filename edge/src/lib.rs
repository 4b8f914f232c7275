//! HSRC Pay Checkout on the edge.
//!
//! Layout: `router` (the route table and request pipeline) → `api` (thin HTTP handlers) → `services` (business
//! logic over the `platform` traits) → `providers` (the acquirers). `native` runs all of it on SQLite for tests;
//! `glue` binds it to Cloudflare Workers (D1, KV, Queues, cron, static assets) and is the only wasm-only code.

pub mod api;
pub mod auth;
pub mod config_check;
pub mod http;
pub mod log;
pub mod openapi;
pub mod openapi_compat;
pub mod platform;
pub mod providers;
pub mod router;
pub mod sealed;
pub mod services;
pub mod store;

#[cfg(not(target_arch = "wasm32"))]
pub mod faults;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;

#[cfg(target_arch = "wasm32")]
mod glue;
