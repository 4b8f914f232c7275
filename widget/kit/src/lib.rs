//! The web kit: what the payer's form (`hsrc-widget`) and the operations console (`hsrc-ops`) share.
//!
//! - [`lang`]: the two languages both bundles speak.
//! - [`catalogue`]: the message catalogue macro (one packed string per language) and [`fill`] for `{name}` slots.
//! - `net` (wasm only): one HTTP exchange with the API's error model ([`net::FetchError`]) and bounded retries
//!   for requests carrying an `Idempotency-Key`.
//! - `browser` (wasm only): the window, timers, `Idempotency-Key`s, focus, title and `<html>` attributes.
//!
//! Nothing here is generic over a bundle's types, so each function exists once in a bundle's wasm (the form's size
//! budget: `widget/README.md`, "Size").

pub mod catalogue;
pub mod lang;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod net;

pub use catalogue::fill;
pub use lang::Lang;
