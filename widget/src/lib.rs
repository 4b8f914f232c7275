//! HSRC Pay Checkout widget: the payment form payers see inside the merchant's page (iframe) or on our hosted
//! page, and the sandbox 3DS challenge page.
//!
//! The modules at the top are plain Rust (form state and validation, the message catalogue, the screen flow, URL
//! rules) and test natively with `cargo test -p hsrc-widget`. The Leptos UI and the browser glue (`app`, `net`,
//! `browser`) exist only in the wasm build, where `start` mounts the app when the module loads.

pub mod card_element;
pub mod card_input;
pub mod challenge;
#[cfg(test)]
mod fixtures;
pub mod flow;
pub mod form;
pub mod i18n;
pub mod input_kind;
pub mod installments;
pub mod lean;
pub mod markup;
pub mod mode;

#[cfg(all(target_arch = "wasm32", feature = "ui"))]
#[cfg_attr(any(feature = "challenge", feature = "card-element"), allow(dead_code))]
mod app;
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
#[cfg_attr(any(feature = "challenge", feature = "card-element"), allow(dead_code))]
mod browser;
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
#[cfg_attr(any(feature = "challenge", feature = "card-element"), allow(dead_code))]
mod net;

/// Entry point: runs when `/assets/boot.js` initializes the module. The default build is the checkout form
/// (`hsrc_widget`); with the `challenge` feature it is the sandbox 3DS challenge page (`hsrc_challenge`).
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    app::mount();
}
