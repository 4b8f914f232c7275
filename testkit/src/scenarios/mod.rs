//! The scenario suite: each scenario is a function over `&dyn Checkout`, written once. An entry file runs a
//! suite with one line per suite, e.g. `hsrc_testkit::payments_engine_scenarios!(NativeCheckout::new());`, which
//! expands to one `#[test]` per scenario (same names on both sides). Storage-level checks (query plans,
//! card-data scans of SQLite or of the D1 files) are not scenarios: they stay in the native or e2e file that owns
//! that storage.
//!
//! Suites: `payments_engine` (cards, 3DS, async outcomes, routing, capture/void, expiry), `hardening` (attacks and
//! their refusals), `contract` (the OpenAPI document against live responses), `keys` (key rolls, rate limits),
//! `webhooks` (the endpoints API) and `deliveries` (what a webhook receiver gets, through `Checkout::receiver`).

pub mod contract;
pub mod deliveries;
pub mod hardening;
pub mod keys;
pub mod payments_engine;
pub mod webhooks;

/// The answer of the webhook endpoint routes that return one endpoint.
#[derive(serde::Deserialize)]
pub(crate) struct EndpointEnvelope {
    pub webhook_endpoint: hsrc_shared::api::WebhookEndpoint,
}

/// One `#[test]` per named scenario of `$suite`, each on a fresh `$make`.
#[macro_export]
macro_rules! scenario_tests {
    ($make:expr, $suite:ident, $($name:ident),+ $(,)?) => {
        $(
            #[test]
            fn $name() {
                let checkout = $make;
                $crate::scenarios::$suite::$name(&checkout);
            }
        )+
    };
}
