//! The scenario suite (`hsrc_testkit::scenarios`) against the local Worker (workerd, local D1/KV) that
//! `scripts/test.sh` starts. `edge/tests/scenarios.rs` runs the same scenarios natively.

use hsrc_testkit::http::Api;

hsrc_testkit::payments_engine_scenarios!(Api::from_env());
hsrc_testkit::hardening_scenarios!(Api::from_env());
hsrc_testkit::webhooks_scenarios!(Api::from_env());
hsrc_testkit::deliveries_scenarios!(Api::from_env());
hsrc_testkit::contract_scenarios!(Api::from_env());
hsrc_testkit::keys_scenarios!(Api::from_env());
