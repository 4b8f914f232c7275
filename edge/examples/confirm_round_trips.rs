//! D1 round trips of one approved checkout confirm (4242…), the whole request through the pipeline, with and
//! without an `Idempotency-Key` (#18 item 3): each database read, batch or `query_many` is one round trip to D1 on
//! the Worker (the sandbox ledger write stands in for the live acquirer's HTTP call). Counted by the fault harness
//! in count-only mode, on SQLite with the real migrations; printed, never asserted.
//!
//! Usage: cargo run -p hsrc-edge --example confirm_round_trips

use hsrc_edge::faults::{FaultDb, Faults};
use hsrc_edge::http::{ApiRequest, Method};
use hsrc_edge::platform::Ctx;
use hsrc_testkit::native::Harness;
use serde_json::json;

fn main() {
    for key in [false, true] {
        let h = Harness::new();
        let m = h.seed_merchant("mer_count", "Count Shop", false);
        let create = ApiRequest::new(Method::Post, "/v1/checkout-sessions")
            .with_header("authorization", &format!("Bearer {}", m.secret_key))
            .with_json(&json!({ "amount": 12500, "currency": "TRY" }));
        let session = h.request(create).json_body();
        let token = session["checkout_session"]["token"].as_str().expect("a token").to_string();
        let mut confirm = ApiRequest::new(Method::Post, &format!("/v1/checkout-sessions/token/{token}/confirm"))
            .with_json(&json!({
                "payment_method": { "type": "card", "card": { "number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123" } },
                "payer": { "name": "Ada Lovelace", "email": "ada@example.com" }
            }));
        if key {
            confirm = confirm.with_header("idempotency-key", "round-trips-1");
        }
        let faults = Faults::new(None);
        let db = FaultDb { inner: &h.db, faults: &faults };
        let ctx = Ctx { db: &db, ..h.ctx() };
        let resp = futures_executor::block_on(hsrc_edge::pipeline::handle(&ctx, confirm));
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        let log = faults.log.borrow();
        println!("confirm {} an Idempotency-Key: {} D1 round trips", if key { "with" } else { "without" }, log.len());
        for (i, label) in log.iter().enumerate() {
            println!("  {:>2}. {label}", i + 1);
        }
    }
}
