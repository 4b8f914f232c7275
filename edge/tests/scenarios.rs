//! The scenario suite (`hsrc_testkit::scenarios`) on the native harness: SQLite with the real migrations, a clock
//! that moves when a scenario lets time pass. `tests/tests/scenarios.rs` runs the same scenarios against the local
//! Worker.

use hsrc_testkit::native_checkout::NativeCheckout;

hsrc_testkit::payments_engine_scenarios!(NativeCheckout::new());
hsrc_testkit::hardening_scenarios!(NativeCheckout::new());
hsrc_testkit::webhooks_scenarios!(NativeCheckout::new());
hsrc_testkit::deliveries_scenarios!(NativeCheckout::new());
hsrc_testkit::contract_scenarios!(NativeCheckout::new());
hsrc_testkit::keys_scenarios!(NativeCheckout::new());
