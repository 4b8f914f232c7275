//! HSRC Pay operations console: find a checkout session by whatever support was told and see, on one screen,
//! whether it was paid and whether the merchant heard about it — the session and its payment, every charge, the
//! timeline, 3DS steps, events with their webhook deliveries and attempts — with the merchant's actions (cancel,
//! capture, void, resend, re-enable) behind a confirmation.
//!
//! A bundle of its own (`/assets/pkg/hsrc_ops.js`), so the payer's checkout widget carries none of it. `i18n` and
//! `present` are plain Rust tested natively; the Leptos UI (`app`) and browser glue exist only in the wasm build.

pub mod i18n;
pub mod present;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
mod net;

/// Entry point: runs when `/assets/ops-boot.js` initializes the module.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    app::mount();
}
