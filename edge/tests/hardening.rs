//! Attacks on the API that only the native harness can stage: the validator the contract scenarios rely on
//! catching a drifted document, a live endpoint on a public host (no delivery can leave the machine here), what
//! storage holds, a key no HTTP client can send. Every attack a client can make on both sides is a scenario in
//! `hsrc_testkit::scenarios::{hardening, contract, keys}` (`edge/tests/scenarios.rs`, `tests/tests/scenarios.rs`).

use hsrc_testkit::native_checkout::NativeCheckout;
use hsrc_testkit::schema::{response_schema, validate};
use hsrc_testkit::{Checkout, Request};
use serde_json::json;

#[test]
fn a_field_missing_from_the_document_fails_validation() {
    let c = NativeCheckout::new();
    let mut doc = c.payer_get("/v1/openapi.json").expect(200);
    let created = c.post("/v1/checkout-sessions", json!({ "amount": 100, "currency": "TRY" })).expect(200);
    let schema = response_schema(&doc, "POST", "/v1/checkout-sessions", 200).expect("documented").clone();
    validate(&doc, &schema, &created).expect("a real response conforms");
    // An undocumented field in the response is caught…
    let mut body = created.clone();
    body["checkout_session"]["surprise"] = json!(1);
    let e = validate(&doc, &schema, &body).unwrap_err();
    assert!(e.contains("surprise"), "{e}");
    // …a wrong type is caught…
    let mut body = created.clone();
    body["checkout_session"]["amount"] = json!("100");
    assert!(validate(&doc, &schema, &body).is_err());
    // …and so is a document that lost a field the API sends.
    doc["components"]["schemas"]["CheckoutSession"]["properties"].as_object_mut().unwrap().remove("payment_id");
    let e = validate(&doc, &schema, &created).unwrap_err();
    assert!(e.contains("payment_id"), "{e}");
}

/// The refusals are a scenario; accepting a live endpoint on a public host stays native, where no delivery can
/// leave the machine.
#[test]
fn a_live_webhook_endpoint_on_a_public_https_host_is_accepted() {
    let c = NativeCheckout::new();
    let live = c.merchant_key(hsrc_testkit::checkout::Merchant::Live);
    let req = Request::new("POST", "/v1/webhook-endpoints")
        .key(&live)
        .json(json!({ "url": "https://hooks.example.com/hsrc" }));
    c.send(req).expect(200);
}

#[test]
fn tokens_are_never_stored() {
    let c = NativeCheckout::new();
    let token = c.create_session(json!({})).token;
    let stored: i64 = c.h.db.with_conn(|db| {
        db.query_row(
            "SELECT COUNT(*) FROM checkout_sessions WHERE token_hash = ?1 OR url LIKE ?2",
            [token.as_str(), &format!("%{token}%")],
            |r| r.get(0),
        )
        .unwrap()
    });
    assert_eq!(stored, 0);
    assert!(!c.stored(&token), "the token is in no table and not in the cache");
}

/// An HTTP client cannot send a NUL in a header; the router must still refuse one if a platform passes it on.
#[test]
fn a_key_with_a_nul_byte_is_invalid() {
    let c = NativeCheckout::new();
    let key = format!("{}\u{0000}", c.secret_key());
    c.send(Request::new("GET", "/v1/payments").key(&key)).expect_error(401, "api_key_invalid");
}
